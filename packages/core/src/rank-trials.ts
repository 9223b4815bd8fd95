import type { MetricGoal, MetricName } from "./sweep-config.js";

export type Ranked<T> = T & { rank: number | null };

/**
 * Orders trials by a metric toward its goal; rank 1 is the best. Trials without a
 * finite value come last with rank null. Equal values share a rank (1, 2, 2, 4)
 * and keep their input order (pass trials in ordinal order for stable ties).
 * `metric` names what `get` reads; it documents the call and is not interpreted.
 */
export function rankTrials<T extends object>(
  trials: readonly T[],
  _metric: MetricName,
  goal: MetricGoal,
  get: (trial: T) => number | null | undefined,
): Array<Ranked<T>> {
  const scored = trials.map((trial, index) => ({ trial, index, value: get(trial) }));
  const valid = scored.filter(
    (s): s is typeof s & { value: number } => typeof s.value === "number" && Number.isFinite(s.value),
  );
  const missing = scored.filter((s) => !valid.includes(s as (typeof valid)[number]));
  const sign = goal === "minimize" ? 1 : -1;
  valid.sort((a, b) => sign * (a.value - b.value) || a.index - b.index);
  const ranked: Array<Ranked<T>> = [];
  valid.forEach((s, position) => {
    const previous = valid[position - 1];
    const rank = previous && previous.value === s.value ? (ranked[position - 1]?.rank ?? position + 1) : position + 1;
    ranked.push({ ...s.trial, rank });
  });
  for (const s of missing) ranked.push({ ...s.trial, rank: null });
  return ranked;
}
