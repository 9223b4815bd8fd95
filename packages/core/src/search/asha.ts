import type { MetricGoal, MetricName } from "../sweep-config.js";
import type { HyperbandRule } from "../training-spec.js";

/**
 * The rung epochs of a hyperband rule for a trial of `epochs` epochs:
 * min_iter·eta^k for k = 0, 1, …, below max_iter (default: epochs) and below epochs
 * (a rung at the last epoch would stop nothing).
 */
export function rungsFor(rule: HyperbandRule, epochs: number): number[] {
  const limit = Math.min(rule.max_iter ?? epochs, epochs);
  const rungs: number[] = [];
  for (let epoch = rule.min_iter; epoch < limit; epoch *= rule.eta) rungs.push(epoch);
  return rungs;
}

/** The rung (1 at min_iter, 2 at min_iter·eta, …) at `epoch` of a trial of `epochs` epochs; undefined off the rungs. */
export function rungAt(rule: HyperbandRule, epochs: number, epoch: number): number | undefined {
  const rung = rungsFor(rule, epochs).indexOf(epoch) + 1;
  return rung === 0 ? undefined : rung;
}

export type RungDecision = { action: "continue"; rung: number } | { action: "prune"; rung: number; reason: string };

export interface RungQuestion {
  rule: HyperbandRule;
  /** The rung the trial reached (`rungAt`). */
  rung: number;
  /** The epoch it just recorded: the rung's. */
  epoch: number;
  metric: RungMetric;
  goal: MetricGoal;
  /** Its metric at that epoch. */
  value: number;
  /** The metric at this epoch of every other trial of the sweep that reached it. */
  others: readonly number[];
}

/**
 * Asynchronous successive halving at a rung: of the n trials that reached it (this one
 * included) the best max(1, ⌊n/eta⌋) go on; the others are pruned with the rung in the
 * reason. Ties go to the trial deciding; a value that is not finite is never in the top.
 */
export function rungDecision(question: RungQuestion): RungDecision {
  const { rule, rung, epoch, value, goal, metric } = question;
  const n = question.others.length + 1;
  const top = Math.max(1, Math.floor(n / rule.eta));
  const better = (other: number) => Number.isFinite(other) && (goal === "minimize" ? other < value : other > value);
  const place = Number.isFinite(value) ? 1 + question.others.filter(better).length : n + 1;
  if (place <= top) return { action: "continue", rung };
  const shown = Number.isFinite(value) ? Number(value.toPrecision(4)) : String(value);
  return {
    action: "prune",
    rung,
    reason: `rung ${rung} (epoch ${epoch}): ${metric} ${shown} not in the top 1/${rule.eta} of ${n} trials (hyperband)`,
  };
}

/** An epoch metric a rung compares. */
export type RungMetric = "val_loss" | "val_accuracy" | "loss" | "accuracy";

/**
 * The epoch metric a rung compares: the sweep's metric, or for test_loss and
 * test_accuracy (measured only at the end) their validation counterpart.
 */
export function rungMetric(metric: MetricName): RungMetric {
  if (metric === "test_loss") return "val_loss";
  if (metric === "test_accuracy") return "val_accuracy";
  return metric;
}
