import type { JsMsg } from "@nats-io/jetstream";
import { errorMessage, type TrialEvent, type TrialSpec } from "@sweep/core";
import { eventFactory, type KeptModels, type TrialCheckpoints } from "@sweep/protocol";
import { type CheckpointSaver, latestCheckpointSaver } from "./checkpoint-saver.js";
import type { AttemptEvents } from "./event-publisher.js";
import { runTrialAttempt } from "./run-trial.js";
import { type Settlement, settleAttempt } from "./settlement.js";
import type { RunningTrial } from "./trial-slots.js";
import type { TrialTrainer } from "./trial-trainer.js";

/** What training one delivery needs from the worker around it. */
export interface AttemptContext {
  workerId: string;
  trainer: TrialTrainer;
  checkpoints: TrialCheckpoints;
  /** Where finished trials' kept weights go. */
  models: KeptModels;
  maxDeliver: number;
  isStopping(): boolean;
  /** A trial reached a terminal state recorded by this worker. */
  onFinished(): void;
  /** The backend a trial reported it trains on. */
  onBackend(backend: string): void;
  log(line: string): void;
}

/**
 * Trains one delivery of a trial (from its checkpoint when it may have one), publishes
 * its events as they come, and decides how its message is settled (`settleAttempt`)
 * once the events it needs are stored.
 */
export async function trainAndSettle(
  msg: JsMsg,
  entry: RunningTrial,
  requeued: boolean,
  events: AttemptEvents,
  context: AttemptContext,
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
    {
      trial,
      attempt,
      worker: context.workerId,
      cancelFlag: entry.cancelFlag,
      checkpoint: checkpoint ?? undefined,
      models: context.models,
    },
    (event, bytes) => publishAttemptEvent(event, bytes, { entry, events, saver, context }),
  );
  const settlement = settleAttempt({
    result,
    attempt,
    maxDeliver: context.maxDeliver,
    stopReason: entry.stopReason,
    pruneReason: entry.pruneReason,
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
  }: { entry: RunningTrial; events: AttemptEvents; saver: CheckpointSaver; context: AttemptContext },
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
