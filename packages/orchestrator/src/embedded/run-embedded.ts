import { HEARTBEAT_INTERVAL_MS, type TrialEvent, type TrialSpec } from "@sweep/core";
import { eventFactory, type KeptModels, type TrialCheckpoints } from "@sweep/protocol";
import { recordEvent, recordHeartbeat, type SweepDatabase } from "@sweep/store";
import {
  runTrialAttempt,
  settleAttempt,
  startHeartbeat,
  TrialSlots,
  type TrialTrainer,
  workerHeartbeat,
} from "@sweep/worker";

export interface EmbeddedRunOptions {
  database: SweepDatabase;
  trainer: TrialTrainer;
  /** Trials to train, in order; each with the attempt its events carry (above any recorded one). */
  trials: ReadonlyArray<{ trial: TrialSpec; attempt: number }>;
  /** Recorded as the trials' worker, and the id of its heartbeats in the `workers` table. */
  worker: string;
  /** The heartbeats' backend until a trial reports the one it trains on. */
  backend?: string;
  /**
   * Where each trial's checkpoint is kept: a trial with one resumes after it; one is
   * saved after each recorded epoch and removed when the trial completes, is pruned
   * or fails (a cancelled trial keeps it). None: every trial starts at epoch 1.
   */
  checkpoints?: TrialCheckpoints;
  /** Where finished trials' kept weights go (`training.keep_weights`); none: nothing is kept. */
  models?: KeptModels;
  /** Called after each event is recorded (progress output, the dashboard). */
  onEvent?(event: TrialEvent, trial: TrialSpec): void;
  heartbeatMs?: number;
  log?: (line: string) => void;
  /** When the list is done: the next trial to train (the search controller's proposal), or none. */
  next?: () => Promise<{ trial: TrialSpec; attempt: number } | undefined>;
  /**
   * Records an event (default: `recordEvent`); with a search controller, together with
   * its rung decision: the reason to prune the trial there, or none.
   */
  record?: (event: TrialEvent) => Promise<string | undefined>;
}

export interface EmbeddedRun {
  /** Settles when every trial has ended and every event is recorded. */
  readonly finished: Promise<void>;
  /** Stops dispatching; running trials stop between batches and are recorded `cancelled`. */
  cancel(): void;
}

/**
 * `sweep run` without services: trials go straight to the training threads (no NATS),
 * at most one per thread, and every event goes through the same `recordEvent` the
 * recorder uses, in the order it happened; each attempt is settled by the worker's
 * `settleAttempt` (a local run never retries: one delivery). A checkpoint is saved only
 * after its epoch is recorded, so a resumed trial never skips an unrecorded epoch.
 * The run's heartbeats go to the `workers` table, as the recorder copies a worker's.
 */
export function runEmbedded(options: EmbeddedRunOptions): EmbeddedRun {
  const { database, trainer, checkpoints } = options;
  const queue = [...options.trials];
  const slots = new TrialSlots(Math.max(1, trainer.threads));
  let backend = options.backend ?? "";
  let cancelled = false;
  // Database writes one at a time, in order: events, their checkpoints, heartbeats.
  let recorded: Promise<unknown> = Promise.resolve();
  // A heartbeat that fails is logged (see startHeartbeat); an event that fails fails the run.
  const heartbeatInOrder = (write: () => Promise<void>): Promise<void> => {
    const written = recorded.then(write);
    recorded = recorded.then(() => written.catch(() => {}));
    return written;
  };
  const recordOne = options.record ?? ((event: TrialEvent) => recordEvent(database, event).then(() => undefined));
  const record = (event: TrialEvent, trial: TrialSpec, checkpoint?: Uint8Array) => {
    if (event.type === "started") backend = event.backend;
    recorded = recorded.then(async () => {
      const pruneReason = await recordOne(event);
      if (checkpoint && event.type === "epoch") await checkpoints?.save(trial.id, event.metrics.epoch, checkpoint);
      options.onEvent?.(event, trial);
      if (pruneReason !== undefined) slots.prune(trial.id, pruneReason);
    });
  };
  const heartbeatOf = (status: "running" | "stopped") =>
    workerHeartbeat({ id: options.worker, slots, backend: () => backend }, status);
  const heartbeat = startHeartbeat(
    (beat) => heartbeatInOrder(() => recordHeartbeat(database, beat)),
    () => heartbeatOf("running"),
    options.heartbeatMs ?? HEARTBEAT_INTERVAL_MS,
    options.log ?? (() => {}),
  );

  const nextTrial = async () => queue.shift() ?? (cancelled ? undefined : await options.next?.());
  async function trainNext(): Promise<void> {
    for (let next = await nextTrial(); next && !cancelled; next = await nextTrial()) {
      const { trial, attempt } = next;
      const entry = slots.start(trial);
      const checkpoint = await checkpoints?.load(trial.id);
      const result = await runTrialAttempt(
        trainer,
        { trial, attempt, worker: options.worker, cancelFlag: entry.cancelFlag, checkpoint, models: options.models },
        (event, bytes) => {
          if (event.type === "epoch") entry.imagesPerS = event.metrics.images_per_s;
          record(event, trial, bytes);
        },
      );
      slots.end(trial.id);
      const { stopReason, pruneReason } = entry;
      const settlement = settleAttempt({ result, attempt, maxDeliver: 1, stopReason, pruneReason });
      if (settlement.event) record(eventFactory(trial, attempt)(settlement.event), trial);
      if (settlement.checkpoint === "remove") recorded = recorded.then(() => checkpoints?.remove(trial.id));
    }
  }

  const lanes = Array.from({ length: slots.threads }, () => trainNext());
  const finished = Promise.all(lanes)
    .then(() => recorded)
    .finally(() => heartbeat.stop(heartbeatOf("stopped")))
    .then(() => undefined);
  return {
    finished,
    cancel() {
      cancelled = true;
      slots.stopTrials("sweep-cancelled");
    },
  };
}
