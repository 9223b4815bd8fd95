import { seededRandom } from "@sweep/core";

/**
 * The synthetic trainer of `npm run bench:search`: a trial's val_loss after each epoch
 * is a documented function of its parameters, so search methods can be compared on
 * thousands of trials in a second. The space mimics a small CNN sweep:
 *
 *   depth ∈ {1, 2, 3}, filters ∈ {8, 16, 32, 64}, dense ∈ {0, 64, 128},
 *   learning_rate ∈ [0.001, 1] (log scale; the grid takes 0.003, 0.01, 0.03, 0.1, 0.3).
 *
 * With d = log10(lr / 0.05) (decades from the best learning rate, which lies between
 * two grid values), f = log2(filters) − 5 and e = 1, 2, … the epoch:
 *
 *   floor  = 0.02 + 0.05·d² + 0.012·(depth − 2)² + 0.006·f² + (dense = 0 ? 0.01 : 0)
 *   τ      = 0.6 · (1 + 0.15·(depth − 1)) · (dense = 128 ? 1.2 : 1) · 10^(−0.15·(log10 lr + 1))
 *   over   = lr > 0.2 ? 0.0004·(lr / 0.2)·max(0, e − 6)² : 0
 *   val_loss(e) = (floor + (2.3 − floor)·exp(−e / τ) + over) · (1 + 0.001·z),  z ~ N(0, 1)
 *
 * The optimum (lr 0.05, depth 2, 32 filters, any dense > 0) is not at a grid corner
 * nor on the grid; a low learning rate learns slowly (large τ) toward a low floor and
 * a high one fast toward a higher floor that then overfits, so curves cross: what is
 * best at epoch 1 is not what is best at epoch 20. The noise z is seeded by the
 * bench seed, the trial's parameters and the epoch.
 */

export interface SyntheticPoint {
  depth: number;
  filters: number;
  dense: number;
  learning_rate: number;
}

export const SYNTHETIC_EPOCHS = 20;
/** How much each conv layer slows learning, and how much the learning rate speeds it (see τ). */
const DEPTH_SLOWDOWN = 0.15;
const LR_SPEED = 0.15;

export function syntheticValLoss(point: SyntheticPoint, epoch: number, seed: number): number {
  const d = Math.log10(point.learning_rate / 0.05);
  const f = Math.log2(point.filters) - 5;
  const floor = 0.02 + 0.05 * d * d + 0.012 * (point.depth - 2) ** 2 + 0.006 * f * f + (point.dense === 0 ? 0.01 : 0);
  const tau =
    0.6 *
    (1 + DEPTH_SLOWDOWN * (point.depth - 1)) *
    (point.dense === 128 ? 1.2 : 1) *
    10 ** (-LR_SPEED * (Math.log10(point.learning_rate) + 1));
  const over = point.learning_rate > 0.2 ? 0.0004 * (point.learning_rate / 0.2) * Math.max(0, epoch - 6) ** 2 : 0;
  return (floor + (2.3 - floor) * Math.exp(-epoch / tau) + over) * (1 + 0.001 * gaussian(point, epoch, seed));
}

/** A standard normal draw seeded by the seed, the point and the epoch (Box–Muller). */
function gaussian(point: SyntheticPoint, epoch: number, seed: number): number {
  let hash = seed >>> 0;
  for (const char of `${point.depth}/${point.filters}/${point.dense}/${point.learning_rate}/${epoch}`) {
    hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  }
  const random = seededRandom(hash);
  const u = Math.max(1e-12, random());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
