import { DEFAULT_OVERFIT_RULE, type EarlyTerminate } from "./training-spec.js";
import type { EpochMetrics } from "./trial.js";

export interface OverfitOptions {
  /** Epochs in a row val_loss must stay above its best (default 2). */
  patience?: number;
  /** How far above the best val_loss counts as above (default 0). */
  minDelta?: number;
}

export interface OverfitAnalysis {
  /** Epoch (1-based, as recorded) of the lowest val_loss; the first of ties. Null without a finite val_loss. */
  bestEpoch: number | null;
  bestValLoss: number | null;
  /** First overfitting epoch (see `detectOverfit`), or null. */
  overfitEpoch: number | null;
  /** Last epoch's val_loss − loss (null without epochs). */
  generalizationGap: number | null;
  /** val_loss − loss at the best epoch. */
  gapAtBest: number | null;
  /** Epochs recorded after the best one. */
  epochsSinceBest: number;
}

type Point = Pick<EpochMetrics, "epoch" | "loss" | "val_loss">;

/**
 * Where a trial starts to overfit. The exact rule, over the epochs in order:
 * - the running best at index i is the lowest finite val_loss among epochs[0..i];
 *   epochs whose val_loss or loss is not finite (NaN, ±Infinity) never become best;
 * - epoch e (index i ≥ 1) is the overfit epoch when it is the FIRST epoch such that,
 *   with `best` = the running best before i, each of the `patience` epochs
 *   i, i+1, …, i+patience−1 exists and has val_loss > best + minDelta, AND the training
 *   loss falls strictly at each of those epochs (loss[j] < loss[j−1]) — the model
 *   still fits the training data better while it generalizes worse;
 * - a val_loss that comes back down to (or below) best + minDelta inside the window
 *   clears it; a later window may still qualify. Fewer than `patience` epochs left:
 *   no verdict (null).
 * The best epoch is the global minimum of val_loss (first of ties), which may come
 * after an overfit epoch when val_loss recovers later.
 */
export function detectOverfit(epochs: readonly Point[], options: OverfitOptions = {}): OverfitAnalysis {
  const patience = Math.max(1, options.patience ?? DEFAULT_OVERFIT_RULE.patience);
  const minDelta = options.minDelta ?? DEFAULT_OVERFIT_RULE.minDelta;
  let best: Point | undefined;
  let overfitEpoch: number | null = null;
  for (let i = 0; i < epochs.length; i++) {
    const current = epochs[i] as Point;
    if (overfitEpoch === null && best && overfitsFrom(epochs, i, best.val_loss, patience, minDelta)) {
      overfitEpoch = current.epoch;
    }
    if (
      Number.isFinite(current.val_loss) &&
      Number.isFinite(current.loss) &&
      (!best || current.val_loss < best.val_loss)
    ) {
      best = current;
    }
  }
  const last = epochs.at(-1);
  return {
    bestEpoch: best?.epoch ?? null,
    bestValLoss: best?.val_loss ?? null,
    overfitEpoch,
    generalizationGap: last ? last.val_loss - last.loss : null,
    gapAtBest: best ? best.val_loss - best.loss : null,
    epochsSinceBest: best ? epochs.length - 1 - epochs.indexOf(best) : 0,
  };
}

function overfitsFrom(
  epochs: readonly Point[],
  start: number,
  best: number,
  patience: number,
  minDelta: number,
): boolean {
  if (start + patience > epochs.length) return false;
  for (let j = start; j < start + patience; j++) {
    const epoch = epochs[j] as Point;
    const previous = epochs[j - 1] as Point;
    if (!(epoch.val_loss > best + minDelta) || !(epoch.loss < previous.loss)) return false;
  }
  return true;
}

/**
 * Whether the trainer should stop a trial after the epochs so far, under the
 * sweep's `early_terminate`: true once `detectOverfit` (with its patience and
 * min_delta) finds an overfit epoch. Without a rule, never; nor after the trial's
 * last epoch (`epochs`), where stopping saves nothing: it completes and is tested.
 */
export function shouldPrune(
  epochsSoFar: readonly Point[],
  earlyTerminate: EarlyTerminate | undefined,
  epochs: number,
): boolean {
  if (!earlyTerminate || (epochsSoFar.at(-1)?.epoch ?? 0) >= epochs) return false;
  const analysis = detectOverfit(epochsSoFar, {
    patience: earlyTerminate.patience,
    minDelta: earlyTerminate.min_delta,
  });
  return analysis.overfitEpoch !== null;
}
