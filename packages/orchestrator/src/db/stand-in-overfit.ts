import type { EpochMetrics } from "@sweep/core";

/**
 * STAND-IN for core's `detectOverfit` (same name and shape), which had not landed
 * when the recorder was written: the integrator swaps this import for `@sweep/core`
 * and deletes the file.
 *
 * Best epoch: the first epoch with the lowest val_loss. Overfit epoch: the first epoch
 * after which val_loss stays above the best so far by more than `minDelta` for
 * `patience` epochs in a row while the training loss keeps falling; null if none.
 */
export interface OverfitAnalysis {
  bestEpoch: number | null;
  bestValLoss: number | null;
  overfitEpoch: number | null;
}

export function detectOverfit(
  epochs: readonly EpochMetrics[],
  options: { patience: number; minDelta: number },
): OverfitAnalysis {
  let best: EpochMetrics | undefined;
  let overfitEpoch: number | null = null;
  for (let i = 0; i < epochs.length; i++) {
    const current = epochs[i] as EpochMetrics;
    if (best === undefined || current.val_loss < best.val_loss) best = current;
    if (overfitEpoch !== null || best === current) continue;
    const window = epochs.slice(i, i + options.patience);
    const bestSoFar = best.val_loss;
    const previousLoss = (epochs[i - 1] as EpochMetrics).loss;
    const stillAbove = window.every((epoch) => epoch.val_loss > bestSoFar + options.minDelta);
    const lossFalling = (window.at(-1) as EpochMetrics).loss < previousLoss;
    if (window.length === options.patience && stillAbove && lossFalling) overfitEpoch = current.epoch;
  }
  return { bestEpoch: best?.epoch ?? null, bestValLoss: best?.val_loss ?? null, overfitEpoch };
}
