import type { JsMsg } from "@nats-io/jetstream";
import type { TrialEvent, TrialSpec } from "@sweep/core";
import { errorMessage } from "@sweep/core";
import { eventFactory, type InvalidTrialMessage, parseTrialMessage, type TrialCheckpoints } from "@sweep/protocol";
import { type CheckpointSaver, latestCheckpointSaver } from "./checkpoint-saver.js";
import type { AttemptEvents, EventPublisher } from "./event-publisher.js";
import { runTrialAttempt } from "./run-trial.js";
import { type Settlement, settleAttempt } from "./settlement.js";
import type { RunningTrial, TrialSlots } from "./trial-slots.js";
import type { TrialTrainer } from "./trial-trainer.js";

/** What handling a trial message needs from the worker around it. */
export interface HandlerContext {
  workerId: string;
  trainer: TrialTrainer;
  publisher: EventPublisher;
  checkpoints: TrialCheckpoints;
  slots: TrialSlots;
  /** How long the workers consumer waits for an ack; `working()` is sent three times as often. */
  ackWaitMs: number;
  maxDeliver: number;
  isCancelled(sweepId: string): boolean;
  isStopping(): boolean;
  /** A trial reached a terminal state recorded by this worker. */
  onFinished(): void;
  /** The backend a trial reported it trains on. */
  onBackend(backend: string): void;
  log(line: string): void;
}

/**
 * Handles one trial message: rejects an invalid one, acks one whose trial already
 * finished, records a cancelled sweep's trial, else trains it and settles the message
 * as `settleAttempt` says, once its events are stored.
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
    const invalid = error as InvalidTrialMessage;
    log(`rejecting a trial message: ${invalid.message}`);
    if (invalid.trial) {
      events.outcome(
        eventFactory(invalid.trial, attempt)({ type: "failed", error: invalid.message, retryable: false }),
      );
    }
    await events.stored();
    // Plain term(): nats-server before 2.10 ignores `+TERM <reason>` and would redeliver the
    // message up to maxDeliver. The reason is in the log and in the recorded failed event.
    msg.term();
    return;
  }
  // A redelivery whose trial already finished: the ack of the attempt that finished it
  // died with a server or a connection. Training it again would be wasted (the recorder
  // ignores events of a finished trial; retry and resume never re-queue one).
  const finished = attempt > 1 ? await context.publisher.finishedBefore(trial) : undefined;
  if (finished) {
    log(`trial ${trial.id} was already ${finished}: acking its redelivered message without training it`);
    return msg.ack();
  }
  if (context.isStopping()) return msg.nak();
  if (context.isCancelled(trial.sweepId)) {
    events.outcome(eventFactory(trial, attempt)({ type: "cancelled", epoch: 0 }));
    await events.stored();
    context.onFinished();
    return msg.ack();
  }
  const entry = context.slots.start(trial);
  const keepAlive = setInterval(() => msg.working(), Math.max(200, context.ackWaitMs / 3));
  try {
    const settlement = await trainAndSettle(msg, entry, requeued, events, context);
    settleMessage(msg, settlement);
  } finally {
    clearInterval(keepAlive);
    context.slots.end(trial.id);
  }
}

async function trainAndSettle(
  msg: JsMsg,
  entry: RunningTrial,
  requeued: boolean,
  events: AttemptEvents,
  context: HandlerContext,
): Promise<Settlement> {
  const { trial } = entry;
  const { checkpoints, log } = context;
  const attempt = msg.info.deliveryCount;
  // A checkpoint is saved only once its epoch's event is stored, so a resumed attempt
  // never starts past an epoch that was not recorded (and the recorder drops older
  // attempts' rows after the resume epoch, so no epoch row is doubled).
  const saver = latestCheckpointSaver(checkpoints, trial.id, log, {
    delivery: { message: msg.info.streamSequence, attempt },
  });
  // Only a redelivery or a re-queued trial can have one: a first delivery saves a lookup.
  const mayHaveCheckpoint = attempt > 1 || requeued;
  const checkpoint = mayHaveCheckpoint
    ? await checkpoints.load(trial.id).catch((error) => {
        log(`loading ${trial.id}'s checkpoint failed, training from the start: ${errorMessage(error)}`);
        return null;
      })
    : undefined;
  const result = await runTrialAttempt(
    context.trainer,
    { trial, attempt, worker: context.workerId, cancelFlag: entry.cancelFlag, checkpoint: checkpoint ?? undefined },
    (event, bytes) => publishAttemptEvent(event, bytes, { entry, events, saver, context }),
  );
  const settlement = settleAttempt({
    result,
    attempt,
    maxDeliver: context.maxDeliver,
    stopReason: entry.stopReason,
    stopping: context.isStopping(),
  });
  if (settlement.checkpoint === "remove") saver.discardWaiting();
  await saver.idle();
  if (settlement.event) events.outcome(eventFactory(trial, attempt)(settlement.event));
  await events.stored();
  if (result.kind === "threw") logFailure(trial, attempt, context.maxDeliver, result.error, settlement, log);
  // The trial is over for good: its checkpoint, if it has one, is of no more use.
  if (settlement.checkpoint === "remove" && (checkpoint !== undefined || saver.savedAny)) {
    await checkpoints
      .remove(trial.id)
      .catch((error) => log(`removing ${trial.id}'s checkpoint failed: ${errorMessage(error)}`));
  }
  if (settlement.finished) context.onFinished();
  return settlement;
}

/**
 * Publishes an event of the running attempt; an epoch's checkpoint, when one is due,
 * is saved once its event is stored.
 */
function publishAttemptEvent(
  event: TrialEvent,
  bytes: Uint8Array | undefined,
  {
    entry,
    events,
    saver,
    context,
  }: { entry: RunningTrial; events: AttemptEvents; saver: CheckpointSaver; context: HandlerContext },
): void {
  if (event.type === "started") {
    context.onBackend(event.backend);
    events.progress(event);
  } else if (event.type !== "epoch") {
    void events.outcome(event);
  } else if (bytes !== undefined && saver.due()) {
    // Only an epoch whose checkpoint is kept needs its event's ack (plain publishes are cheaper).
    entry.imagesPerS = event.metrics.images_per_s;
    saver.offer(event.metrics.epoch, bytes, events.checkpointedEpoch(event));
  } else {
    entry.imagesPerS = event.metrics.images_per_s;
    events.progress(event);
  }
}

function logFailure(
  trial: TrialSpec,
  attempt: number,
  maxDeliver: number,
  error: string,
  settlement: Settlement,
  log: (line: string) => void,
): void {
  if (settlement.message.action === "nak") {
    log(`trial ${trial.id} attempt ${attempt} failed, will be redelivered: ${error}`);
  } else {
    log(`trial ${trial.id} failed (attempt ${attempt} of ${maxDeliver}): ${error}`);
  }
}

function settleMessage(msg: JsMsg, settlement: Settlement): void {
  const { message } = settlement;
  if (message.action === "ack") msg.ack();
  else if (message.action === "nak") msg.nak(message.delayMs);
  else msg.term(); // without the reason: see the parse failure above
}
