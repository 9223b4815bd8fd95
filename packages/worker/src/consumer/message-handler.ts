import type { JsMsg } from "@nats-io/jetstream";
import type { TrialEvent, TrialSpec } from "@sweep/core";
import { errorMessage } from "@sweep/core";
import { eventFactory, type InvalidTrialMessage, type PruneOrder, parseTrialMessage } from "@sweep/protocol";
import { type AttemptContext, trainAndSettle } from "./attempt-training.js";
import type { AttemptEvents, EventPublisher } from "./event-publisher.js";
import type { Settlement } from "./settlement.js";
import type { TrialSlots } from "./trial-slots.js";

/** What handling a trial message needs from the worker around it: what its attempt needs, and more. */
export interface HandlerContext extends AttemptContext {
  publisher: EventPublisher;
  slots: TrialSlots;
  /** How long the workers consumer waits for an ack; `working()` is sent three times as often. */
  ackWaitMs: number;
  isCancelled(sweepId: string): boolean;
  /** The search controller's order to prune the trial (a hyperband rung), if it gave one. */
  pruneOrderOf(trialId: string): Promise<PruneOrder | undefined>;
}

/**
 * Handles one trial message: rejects an invalid one, acks one whose trial already
 * finished, records a cancelled sweep's trial, and a pruned trial (a redelivery after
 * its rung decided), else trains it and settles the message as `settleAttempt` says,
 * once its events are stored.
 */
export async function handleTrialMessage(msg: JsMsg, context: HandlerContext): Promise<void> {
  const { log } = context;
  const attempt = msg.info.deliveryCount;
  const events = context.publisher.forAttempt();
  let trial: TrialSpec;
  let requeued: boolean;
  try {
    ({ trial, requeued = false } = parseTrialMessage(msg.string()));
  } catch (error) {
    return rejectInvalid(msg, error as InvalidTrialMessage, events, log);
  }
  // A redelivery whose trial already finished: the ack of the attempt that finished it
  // died with a server or a connection. Training it again would be wasted (the recorder
  // ignores events of a finished trial; retry and resume never re-queue one).
  // A re-queued or proposed trial's message may be published twice (a controller that
  // restarted publishes what it cannot know was published): its outcome is looked up too.
  const finished = attempt > 1 || requeued ? await context.publisher.finishedBefore(trial) : undefined;
  if (finished) {
    log(`trial ${trial.id} was already ${finished}: acking its redelivered message without training it`);
    return msg.ack();
  }
  if (context.isStopping()) return msg.nak();
  const untrained = (event: Parameters<ReturnType<typeof eventFactory>>[0]) =>
    settleUntrained(msg, events, eventFactory(trial, attempt)(event), context);
  if (context.isCancelled(trial.sweepId)) return untrained({ type: "cancelled", epoch: 0 });
  // Started before the lookup: a prune put meanwhile reaches the running entry.
  const entry = context.slots.start(trial);
  const pruned = await context.pruneOrderOf(trial.id).catch((error) => {
    log(`looking up a prune of ${trial.id} failed, training it: ${errorMessage(error)}`);
    return undefined;
  });
  if (pruned) {
    context.slots.end(trial.id);
    return untrained({ type: "pruned", epoch: pruned.epoch, reason: pruned.reason });
  }
  const keepAlive = setInterval(() => msg.working(), Math.max(200, context.ackWaitMs / 3));
  try {
    const settlement = await trainAndSettle(msg, entry, requeued, events, context);
    settleMessage(msg, settlement);
  } finally {
    clearInterval(keepAlive);
    context.slots.end(trial.id);
  }
}

/** Terminates an unreadable message, recording its trial failed when it names one. */
async function rejectInvalid(
  msg: JsMsg,
  invalid: InvalidTrialMessage,
  events: AttemptEvents,
  log: (line: string) => void,
): Promise<void> {
  log(`rejecting a trial message: ${invalid.message}`);
  if (invalid.trial) {
    const failed = { type: "failed", error: invalid.message, retryable: false } as const;
    events.outcome(eventFactory(invalid.trial, msg.info.deliveryCount)(failed));
  }
  await events.stored();
  // Plain term(): nats-server before 2.10 ignores `+TERM <reason>` and would redeliver the
  // message up to maxDeliver. The reason is in the log and in the recorded failed event.
  msg.term();
}

/** Records an outcome reached without training (the sweep cancelled, the trial pruned before), then acks. */
async function settleUntrained(msg: JsMsg, events: AttemptEvents, outcome: TrialEvent, context: HandlerContext) {
  events.outcome(outcome);
  await events.stored();
  context.onFinished();
  msg.ack();
}

function settleMessage(msg: JsMsg, settlement: Settlement): void {
  const { message } = settlement;
  if (message.action === "ack") msg.ack();
  else if (message.action === "nak") msg.nak(message.delayMs);
  else msg.term(); // without the reason: see the parse failure above
}
