import type { TrialEvent, TrialSpec } from "@sweep/core";
import { eventFactory, type TrialCheckpoints } from "@sweep/protocol";
import { runTrialAttempt, type TrialTrainer } from "@sweep/worker";
import { recordEvent, type SweepDatabase } from "../db/index.js";

export interface EmbeddedRunOptions {
  database: SweepDatabase;
  trainer: TrialTrainer;
  /** Trials to train, in order; each with the attempt its events carry (above any recorded one). */
  trials: ReadonlyArray<{ trial: TrialSpec; attempt: number }>;
  /** Recorded as the trials' worker. */
  worker: string;
  /**
   * Where each trial's checkpoint is kept: a trial with one resumes after it; one is
   * saved after each recorded epoch and removed when the trial completes, is pruned
   * or fails (a cancelled trial keeps it). None: every trial starts at epoch 1.
   */
  checkpoints?: TrialCheckpoints;
  /** Called after each event is recorded (progress output, the dashboard). */
  onEvent?(event: TrialEvent, trial: TrialSpec): void;
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
 * recorder uses, in the order it happened. A checkpoint is saved only after its
 * epoch is recorded, so a resumed trial never skips an unrecorded epoch.
 */
export function runEmbedded(options: EmbeddedRunOptions): EmbeddedRun {
  const { database, trainer, checkpoints } = options;
  const queue = [...options.trials];
  const cancelFlags = new Set<Int32Array>();
  let cancelled = false;
  let recorded: Promise<unknown> = Promise.resolve();
  const record = (event: TrialEvent, trial: TrialSpec, checkpoint?: Uint8Array) => {
    recorded = recorded.then(async () => {
      await recordEvent(database, event);
      if (checkpoint && event.type === "epoch") await checkpoints?.save(trial.id, event.metrics.epoch, checkpoint);
      options.onEvent?.(event, trial);
    });
  };
  const forgetCheckpoint = (trial: TrialSpec) => {
    recorded = recorded.then(() => checkpoints?.remove(trial.id));
  };

  async function trainNext(): Promise<void> {
    for (let next = queue.shift(); next && !cancelled; next = queue.shift()) {
      const { trial, attempt } = next;
      const cancelFlag = new Int32Array(new SharedArrayBuffer(4));
      cancelFlags.add(cancelFlag);
      const checkpoint = await checkpoints?.load(trial.id);
      const result = await runTrialAttempt(
        trainer,
        { trial, attempt, worker: options.worker, cancelFlag, checkpoint },
        (event, bytes) => record(event, trial, bytes),
      );
      cancelFlags.delete(cancelFlag);
      const event = eventFactory(trial, attempt);
      if (result.kind === "threw") record(event({ type: "failed", error: result.error, retryable: false }), trial);
      else if (result.outcome.status === "cancelled")
        record(event({ type: "cancelled", epoch: result.outcome.epoch }), trial);
      if (result.kind === "threw" || result.outcome.status !== "cancelled") forgetCheckpoint(trial);
    }
  }

  const lanes = Array.from({ length: Math.max(1, trainer.threads) }, () => trainNext());
  const finished = Promise.all(lanes).then(() => recorded.then(() => undefined));
  return {
    finished,
    cancel() {
      cancelled = true;
      for (const flag of cancelFlags) Atomics.store(flag, 0, 1);
    },
  };
}
