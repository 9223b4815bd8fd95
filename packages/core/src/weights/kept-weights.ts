import type { SweepMetric } from "../sweep-config.js";
import type { KeepWeights } from "../training-spec.js";
import type { EpochMetrics, EpochMonitor } from "../trial.js";

/** Which of a trial's epochs a kept set of weights is from: its best by the monitor, or its last. */
export const KEPT_KINDS = ["best", "last"] as const;
export type KeptKind = (typeof KEPT_KINDS)[number];

/**
 * What a finished trial reports of one set of kept weights (on its `completed` or
 * `pruned` event; recorded in `kept_weights`): the epoch, the stored size in bytes,
 * and whether the store took them (`note` says why not).
 */
export interface KeptWeightsRecord {
  kind: KeptKind;
  epoch: number;
  size: number;
  stored: boolean;
  note?: string;
}

/** The kinds `training.keep_weights` asks for (undefined, from a trial sent before the key existed: `best`). */
export function keptKinds(keep: KeepWeights | undefined): KeptKind[] {
  if (keep === "both") return ["best", "last"];
  return keep === "none" ? [] : [keep ?? "best"];
}

/** The default monitor: Keras' (`val_loss`, minimized). */
export const DEFAULT_MONITOR: EpochMonitor = { name: "val_loss", goal: "minimize" };

/**
 * The epoch metric a sweep's metric is judged by during training: the metric itself,
 * or for a test metric (known only at the end) its validation twin.
 */
export function epochMonitor(metric: SweepMetric): EpochMonitor {
  const name =
    metric.name === "test_loss" ? "val_loss" : metric.name === "test_accuracy" ? "val_accuracy" : metric.name;
  return { name, goal: metric.goal };
}

/**
 * Whether `candidate` beats `best` by the monitor, as Keras' `ModelCheckpoint(save_best_only=True)`
 * decides: strictly better (a tie keeps the earlier epoch); a NaN value never wins; the
 * first finite epoch wins over none.
 */
export function isBetterEpoch(candidate: EpochMetrics, best: EpochMetrics | undefined, monitor: EpochMonitor): boolean {
  const value = candidate[monitor.name];
  if (!Number.isFinite(value)) return false;
  if (best === undefined) return true;
  const bestValue = best[monitor.name];
  return monitor.goal === "minimize" ? value < bestValue : value > bestValue;
}

/** The best epoch of a history by the monitor, or undefined when none has a finite value. */
export function bestEpochOf(history: readonly EpochMetrics[], monitor: EpochMonitor): EpochMetrics | undefined {
  let best: EpochMetrics | undefined;
  for (const metrics of history) if (isBetterEpoch(metrics, best, monitor)) best = metrics;
  return best;
}
