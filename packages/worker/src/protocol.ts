import type { MessagePort } from "node:worker_threads";
import type { EpochMetrics, KeptKind, TrialSpec } from "@sweep/core";

/**
 * The contract between a worker process's main thread and the Piscina thread that
 * trains one trial. A task module (the real trainer, or a benchmark fixture) default-
 * exports `(request: TrainRequest) => Promise<TrainOutcome>`.
 */

/**
 * Which tfjs backend to train on, named as tfjs names it (and as trials record it):
 * `tensorflow` is native libtensorflow through @tensorflow/tfjs-node; `auto` takes it
 * when it loads, else wasm, else cpu.
 */
export type BackendChoice = "auto" | "tensorflow" | "wasm" | "cpu";

export const BACKEND_CHOICES: readonly BackendChoice[] = ["auto", "tensorflow", "wasm", "cpu"];

/** A backend name from a command line: one of `BACKEND_CHOICES`, or `node` for `tensorflow`; undefined otherwise. */
export function parseBackendChoice(value: string): BackendChoice | undefined {
  if (value === "node") return "tensorflow";
  return (BACKEND_CHOICES as readonly string[]).includes(value) ? (value as BackendChoice) : undefined;
}

export interface TrainRequest {
  trial: TrialSpec;
  backend: BackendChoice;
  /** Resume after this checkpoint (bytes from a previous `epoch` progress message). */
  checkpoint?: Uint8Array;
  /**
   * Int32Array over a SharedArrayBuffer of length 1: the main thread stores 1 to ask
   * the trial to stop; the task checks it between batches and returns `cancelled`.
   */
  cancelFlag: Int32Array;
  /**
   * The trial's batch clock (watchdog/batch-clock.ts): the task calls `countBatch` on it
   * after every batch it completes, training and evaluation, so the pool's watchdog can
   * tell a slow trial from a stuck thread.
   */
  batchClock: Int32Array;
  /** Progress messages (`TrainProgress`) go here; transferred to the thread. */
  port: MessagePort;
}

/** Posted on `TrainRequest.port` while a trial trains. */
export type TrainProgress =
  | { type: "started"; backend: string; paramCount: number; resumeFromEpoch: number }
  /** After each finished epoch; `checkpoint` holds weights + optimizer state + RNG state after it. */
  | { type: "epoch"; metrics: EpochMetrics; checkpoint: Uint8Array };

/** A weights file a finished trial keeps (core's `encodeWeightsFile`), for the caller to store. */
export interface KeptWeightsBytes {
  kind: KeptKind;
  epoch: number;
  bytes: Uint8Array;
}

export type TrainOutcome =
  | {
      status: "completed";
      test_loss: number;
      test_accuracy: number;
      /** The weights the test set was scored on (`training.restore_best_weights`) and their epoch; absent: the last. */
      test_weights?: KeptKind;
      test_epoch?: number;
      epochs: number;
      backend: string;
      weights?: KeptWeightsBytes[];
    }
  | { status: "pruned"; epoch: number; reason: string; backend: string; weights?: KeptWeightsBytes[] }
  | { status: "cancelled"; epoch: number; backend: string };

/**
 * A trial that can never succeed (invalid architecture, NaN loss, bad payload): the
 * caller records it failed and does not redeliver it. Any other thrown error is
 * treated as transient. Classified by `name` because it crosses a thread boundary.
 */
export class DeterministicTrialError extends Error {
  override readonly name = "DeterministicTrialError";
}

export function isDeterministicTrialError(error: unknown): boolean {
  return (
    typeof error === "object" && error !== null && (error as { name?: unknown }).name === "DeterministicTrialError"
  );
}
