import type { SweepConfig } from "@sweep/core";

/** A trial's swept values and its score on the ranking's metric (best val_loss; null before any epoch). */
export interface ScoredTrial {
  params: Record<string, unknown>;
  score: number | null;
}

/** The trials that took one value of a parameter, and their scores' spread. */
export interface ValueEffect {
  value: string;
  trials: number;
  best: number;
  median: number;
  worst: number;
}

export interface ParameterEffect {
  path: string;
  /** Best value first (lowest best score). */
  values: ValueEffect[];
  /** Trials with no score yet, left out of `values`. */
  unscored: number;
}

/**
 * For each swept parameter, the metric by the value it took: how many trials, the
 * best, median and worst score, values ordered best first. A trial stores only the
 * values where it differs from the base spec, so a missing path takes the base value
 * (`baseValue`). Swept parameters: the config's `parameters` with more than one value
 * or a range; without a config, every path the trials differ in.
 */
export function parameterEffects(trials: readonly ScoredTrial[], config: SweepConfig | null): ParameterEffect[] {
  const paths = config ? sweptPaths(config) : [...new Set(trials.flatMap((trial) => Object.keys(trial.params)))];
  return paths.map((path) => {
    const base = config ? baseValue(config, path) : undefined;
    const scores = new Map<string, number[]>();
    let unscored = 0;
    for (const trial of trials) {
      if (trial.score === null || !Number.isFinite(trial.score)) {
        unscored += 1;
        continue;
      }
      const raw = path in trial.params ? trial.params[path] : base;
      const value = raw === undefined ? "(base)" : JSON.stringify(raw);
      scores.set(value, [...(scores.get(value) ?? []), trial.score]);
    }
    const values = [...scores].map(([value, list]) => spread(value, list));
    values.sort((a, b) => a.best - b.best);
    return { path, values, unscored };
  });
}

function sweptPaths(config: SweepConfig): string[] {
  return Object.entries(config.parameters)
    .filter(([, spec]) => (spec.values?.length ?? 0) > 1 || spec.min !== undefined || spec.max !== undefined)
    .map(([path]) => path);
}

/** The value at a dotted path (`model.pool.size`) of the config's base spec. */
function baseValue(config: SweepConfig, path: string): unknown {
  let node: unknown = config;
  for (const key of path.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function spread(value: string, scores: number[]): ValueEffect {
  const sorted = [...scores].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle] : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return {
    value,
    trials: sorted.length,
    best: sorted[0] as number,
    median: median as number,
    worst: sorted.at(-1) as number,
  };
}
