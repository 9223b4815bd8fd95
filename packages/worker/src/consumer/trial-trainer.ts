import type { TrialSpec } from "@sweep/core";
import type { TrainOutcome, TrainProgress } from "../protocol.js";

/** What the consumer and the embedded runner need from a pool of training threads. */
export interface TrialTrainer {
  /** Trials trained at once. */
  readonly threads: number;
  train(trial: TrialSpec, options: TrainTrialOptions): Promise<TrainOutcome>;
  close(): Promise<void>;
}

export interface TrainTrialOptions {
  /** Resume after this checkpoint. */
  checkpoint?: Uint8Array;
  /** Store 1 at index 0 to stop the trial between batches (it then returns `cancelled`). */
  cancelFlag: Int32Array;
  onProgress(progress: TrainProgress): void;
}
