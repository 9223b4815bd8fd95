import type { TrialEvent, TrialSpec } from "@sweep/core";
import { eventFactory, type KeptModels } from "@sweep/protocol";
import { isDeterministicTrialError, type TrainOutcome } from "../protocol.js";
import { keepWeights } from "./keep-weights.js";
import type { TrialTrainer } from "./trial-trainer.js";

/** The end of one attempt at a trial: the trainer's outcome, or the error it threw. */
export type TrialAttemptResult =
  | { kind: "finished"; outcome: TrainOutcome; durationMs: number }
  | { kind: "threw"; error: string; deterministic: boolean };

export interface TrialAttempt {
  trial: TrialSpec;
  /** Delivery count (NATS) or 1 (embedded): fences the recorded events. */
  attempt: number;
  /** Worker id recorded on the trial. */
  worker: string;
  cancelFlag: Int32Array;
  /** Resume after this checkpoint (see `TrialCheckpoints`). */
  checkpoint?: Uint8Array;
  /** Where the weights a finished trial keeps are stored, before its outcome event is emitted. */
  models?: KeptModels;
}

/**
 * Trains one attempt, emitting `started` and one `epoch` event per finished epoch as
 * they happen (each `epoch` event with the checkpoint taken after it, for the caller
 * to keep once the event is stored), and a `completed` or `pruned` event at the end. `cancelled` and
 * `failed` are left to the caller: whether they are recorded depends on why (a
 * cancelled sweep vs a worker handing the trial back; a last delivery vs a retry).
 */
export async function runTrialAttempt(
  trainer: TrialTrainer,
  attempt: TrialAttempt,
  emit: (event: TrialEvent, checkpoint?: Uint8Array) => void,
): Promise<TrialAttemptResult> {
  const event = eventFactory(attempt.trial, attempt.attempt);
  const startedAt = performance.now();
  let outcome: TrainOutcome;
  try {
    outcome = await trainer.train(attempt.trial, {
      checkpoint: attempt.checkpoint,
      cancelFlag: attempt.cancelFlag,
      onProgress: (progress) => {
        if (progress.type === "started") {
          const { backend, paramCount, resumeFromEpoch } = progress;
          emit(event({ type: "started", worker: attempt.worker, backend, paramCount, resumeFromEpoch }));
        } else {
          emit(event({ type: "epoch", metrics: progress.metrics }), progress.checkpoint);
        }
      },
    });
  } catch (error) {
    return { kind: "threw", error: describeError(error), deterministic: isDeterministicTrialError(error) };
  }
  const durationMs = performance.now() - startedAt;
  if (outcome.status === "cancelled") return { kind: "finished", outcome, durationMs };
  const { weights, ...finished } = outcome;
  const kept = await keepWeights(attempt.models, attempt.trial.id, weights);
  const keptField = kept.length > 0 ? { kept } : {};
  if (finished.status === "completed") {
    const { test_loss, test_accuracy, test_weights, test_epoch } = finished;
    const tested = { test_loss, test_accuracy, test_weights, test_epoch };
    emit(event({ type: "completed", ...tested, duration_ms: durationMs, ...keptField }));
  } else {
    emit(event({ type: "pruned", epoch: finished.epoch, reason: finished.reason, ...keptField }));
  }
  return { kind: "finished", outcome: finished, durationMs };
}

function describeError(error: unknown): string {
  if (typeof error === "object" && error !== null && "message" in error) {
    const { name, message } = error as { name?: unknown; message: unknown };
    return typeof name === "string" && name !== "Error" ? `${name}: ${String(message)}` : String(message);
  }
  return String(error);
}
