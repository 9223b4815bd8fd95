import {
  canonicalJson,
  type HyperbandRule,
  type Observation,
  proposeTrial,
  rungAt,
  rungDecision,
  type SearchPoint,
  samplePoint,
  searchSpace,
  seededRandom,
  startupTrialsFor,
} from "@sweep/core";
import { SYNTHETIC_EPOCHS, type SyntheticPoint, syntheticValLoss } from "./synthetic-curves.js";

/** The bench's search space, as a sweep config's `parameters` would write it. */
export const PARAMETERS = {
  depth: { values: [1, 2, 3] },
  filters: { values: [8, 16, 32, 64] },
  dense: { values: [0, 64, 128] },
  learning_rate: { min: 0.001, max: 1, distribution: "log_uniform_values" as const },
};
export const GRID_LEARNING_RATES = [0.003, 0.01, 0.03, 0.1, 0.3];

export interface SearchOutcome {
  /** Lowest final val_loss (at a trial's last epoch) of any trial. */
  best: number;
  epochs: number;
  trials: number;
}

interface Trial {
  point: SearchPoint;
  /** val_loss per epoch so far. */
  curve: number[];
  pruned: boolean;
}

export interface SearchMethod {
  /** The next trial to start, or undefined when the method has no more. */
  next(finished: readonly Trial[], tried: ReadonlySet<string>): SearchPoint | undefined;
  hyperband?: HyperbandRule;
}

export function gridMethod(): SearchMethod {
  const points: SearchPoint[] = [];
  for (const depth of PARAMETERS.depth.values)
    for (const filters of PARAMETERS.filters.values)
      for (const dense of PARAMETERS.dense.values)
        for (const learning_rate of GRID_LEARNING_RATES) points.push({ depth, filters, dense, learning_rate });
  return { next: () => points.shift() };
}

export function randomMethod(seed: number, runCap: number, hyperband?: HyperbandRule): SearchMethod {
  const space = searchSpace(PARAMETERS);
  const random = seededRandom(seed);
  let started = 0;
  return { hyperband, next: () => (started++ < runCap ? samplePoint(space, random) : undefined) };
}

export function bayesMethod(seed: number, runCap: number, hyperband?: HyperbandRule): SearchMethod {
  const space = searchSpace(PARAMETERS);
  let started = 0;
  return {
    hyperband,
    next(finished, tried) {
      if (started >= runCap) return undefined;
      started++;
      const observations: Observation[] = finished.map((trial) => ({
        point: trial.point,
        value: trial.curve.at(-1) ?? null,
        step: trial.curve.length,
      }));
      return proposeTrial(space, observations, {
        goal: "minimize",
        seed,
        startupTrials: startupTrialsFor(runCap),
        resolve: (point) => (tried.has(canonicalJson(point)) ? undefined : point),
      });
    },
  };
}

/**
 * Runs a search on `workers` parallel slots, one epoch per time step: a free slot
 * starts the method's next trial (proposals see the trials finished so far); after
 * each epoch the trial's rung, if any, is decided against the trials that reached
 * it before (ASHA), as the sweep's controller does.
 */
export function simulate(method: SearchMethod, seed: number, workers = 4): SearchOutcome {
  const finished: Trial[] = [];
  const tried = new Set<string>();
  const atEpoch = new Map<number, number[]>();
  const running: Trial[] = [];
  let epochs = 0;
  let exhausted = false;
  for (;;) {
    while (!exhausted && running.length < workers) {
      const point = method.next(finished, tried);
      if (!point) exhausted = true;
      else {
        tried.add(canonicalJson(point));
        running.push({ point, curve: [], pruned: false });
      }
    }
    if (running.length === 0) break;
    for (const trial of [...running]) {
      const epoch = trial.curve.length + 1;
      const value = syntheticValLoss(trial.point as unknown as SyntheticPoint, epoch, seed);
      trial.curve.push(value);
      epochs++;
      const others = atEpoch.get(epoch) ?? [];
      const rule = method.hyperband;
      const rung = rule ? rungAt(rule, SYNTHETIC_EPOCHS, epoch) : undefined;
      const decision =
        rule && rung !== undefined
          ? rungDecision({ rule, rung, epoch, metric: "val_loss", goal: "minimize", value, others })
          : undefined;
      atEpoch.set(epoch, [...others, value]);
      trial.pruned = decision?.action === "prune";
      if (trial.pruned || epoch === SYNTHETIC_EPOCHS) {
        running.splice(running.indexOf(trial), 1);
        finished.push(trial);
      }
    }
  }
  const best = Math.min(...finished.map((trial) => trial.curve.at(-1) ?? Number.POSITIVE_INFINITY));
  return { best, epochs, trials: finished.length };
}
