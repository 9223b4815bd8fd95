import type { TrialSpec } from "@sweep/core";
import type { TrialTrainer } from "@sweep/worker";

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Called after each epoch is reported; the trial goes on (or sees its cancel flag) once it resolves. */
export type AfterEpoch = (trial: TrialSpec, epoch: number, cancelFlag: Int32Array) => Promise<void>;

/**
 * A trainer whose curves depend on the trial's learning rate: val_accuracy rises to
 * 0.99 − 0.1·log10(lr/0.05)², best at lr 0.05; val_loss = 0.1 + lr ranks the other way.
 */
export function curveTrainer(threads: number, epochMs = 2, afterEpoch?: AfterEpoch): TrialTrainer {
  return {
    threads,
    async train(trial, { cancelFlag, onProgress }) {
      const lr = trial.training.learning_rate ?? 1;
      const top = 0.99 - 0.1 * Math.log10(lr / 0.05) ** 2;
      onProgress({ type: "started", backend: "cpu", paramCount: 10, resumeFromEpoch: 0 });
      for (let epoch = 1; epoch <= trial.training.epochs; epoch++) {
        await sleep(epochMs);
        if (Atomics.load(cancelFlag, 0) === 1) return { status: "cancelled", epoch: epoch - 1, backend: "cpu" };
        const metrics = {
          epoch,
          loss: 1 / epoch,
          accuracy: 0.9,
          val_loss: 0.1 + lr + 1 / epoch,
          val_accuracy: top * (1 - Math.exp(-epoch)),
          duration_ms: 1,
          images_per_s: 1,
        };
        onProgress({ type: "epoch", metrics, checkpoint: new Uint8Array(4) });
        await afterEpoch?.(trial, epoch, cancelFlag);
      }
      return { status: "completed", test_loss: 0.1, test_accuracy: top, epochs: trial.training.epochs, backend: "cpu" };
    },
    async close() {},
  };
}
