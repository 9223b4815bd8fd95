import { seededRandom } from "../random.js";
import type { MetricGoal } from "../sweep-config.js";
import { categoricalParzen, logDensityNumeric, numericParzen, pickIndex, sampleNumeric } from "./parzen.js";
import {
  choiceIndex,
  type Dimension,
  fromModelled as fromModelledValue,
  type SearchPoint,
  samplePoint,
  toModelled,
} from "./search-space.js";

/** A tried trial, as the search sees it. */
export interface Observation {
  point: SearchPoint;
  /** Its metric (see `metricValueOf`), or null when it has none (failed, or no epoch). */
  value: number | null;
  /** Epochs it reached: a trial stopped at a rung has fewer than one that completed. */
  step: number;
}

export interface TpeOptions<T> {
  goal: MetricGoal;
  seed: number;
  /** Random trials before the estimators are used (Optuna: 10). */
  startupTrials?: number;
  /** Candidates drawn from the good estimator per proposal (Optuna: 24). */
  candidates?: number;
  /**
   * What a point becomes when proposed (a trial), or undefined when it may not be
   * (its trial key was tried already). Default: the point itself.
   */
  resolve?: (point: SearchPoint) => T | undefined;
}

/**
 * Default start-up: a quarter of run_cap, at least 2, at most 25. (Optuna's fixed 10
 * was too few for spaces of a few dozen categorical combinations: bench:search.)
 */
export function startupTrialsFor(runCap: number): number {
  return Math.max(2, Math.min(25, Math.floor(runCap / 4)));
}

/** How many of n ranked observations are "good": Optuna's γ(n) = min(⌈0.1·n⌉, 25). */
export const goodCount = (n: number) => Math.min(Math.ceil(0.1 * n), 25);

/**
 * The next point to try (Optuna-like TPE): random draws until `startupTrials`
 * observations have a value; then the observations are ranked (further step first,
 * then value toward the goal), the best goodCount(n) are "good", and of `candidates`
 * points drawn from the good estimators the one with the highest log l(x) − log g(x)
 * that `resolve` takes is proposed, as `resolve` makes it. Seeded by seed and the
 * number of observations, so the same history gives the same proposal. Undefined when
 * nothing acceptable is found.
 */
export function proposeTrial<T = SearchPoint>(
  space: readonly Dimension[],
  observations: readonly Observation[],
  options: TpeOptions<T>,
): T | undefined {
  const random = seededRandom((options.seed * 7919 + observations.length * 104_729) >>> 0);
  const resolve = options.resolve ?? ((point: SearchPoint) => point as T);
  const scored = observations.filter((o): o is Observation & { value: number } => Number.isFinite(o.value));
  if (scored.length >= (options.startupTrials ?? 10)) {
    const sign = options.goal === "minimize" ? 1 : -1;
    const ranked = [...scored].sort((a, b) => b.step - a.step || sign * (a.value - b.value));
    const cut = goodCount(ranked.length);
    const good = ranked.slice(0, cut).map((o) => o.point);
    const bad = ranked.slice(cut).map((o) => o.point);
    const candidates = tpeCandidates(space, good, bad, options.candidates ?? 24, random);
    for (const { point } of candidates) {
      const proposal = resolve(point);
      if (proposal !== undefined) return proposal;
    }
  }
  for (let draw = 0; draw < 1000; draw++) {
    const proposal = resolve(samplePoint(space, random));
    if (proposal !== undefined) return proposal;
  }
  return undefined;
}

/** Candidates drawn from the good estimators, best ratio first. */
export function tpeCandidates(
  space: readonly Dimension[],
  good: readonly SearchPoint[],
  bad: readonly SearchPoint[],
  count: number,
  random: () => number,
): Array<{ point: SearchPoint; score: number }> {
  const models = space.map((dimension) => dimensionModel(dimension, good, bad));
  const candidates = Array.from({ length: count }, () => {
    const point: SearchPoint = {};
    let score = 0;
    for (const model of models) {
      const { value, logRatio } = model(random);
      point[model.path] = value;
      score += logRatio;
    }
    return { point, score };
  });
  return candidates.sort((a, b) => b.score - a.score);
}

type DimensionModel = ((random: () => number) => { value: unknown; logRatio: number }) & { path: string };

function dimensionModel(
  dimension: Dimension,
  good: readonly SearchPoint[],
  bad: readonly SearchPoint[],
): DimensionModel {
  const path = dimension.path;
  if (dimension.kind === "constant") return Object.assign(() => ({ value: dimension.value, logRatio: 0 }), { path });
  if (dimension.kind === "categorical") {
    const indices = (points: readonly SearchPoint[]) => points.map((p) => choiceIndex(dimension, p[path]));
    const l = categoricalParzen(indices(good), dimension.choices.length);
    const g = categoricalParzen(indices(bad), dimension.choices.length);
    return Object.assign(
      (random: () => number) => {
        const index = pickIndex(l, random());
        return {
          value: dimension.choices[index],
          logRatio: Math.log(l[index] as number) - Math.log(g[index] as number),
        };
      },
      { path },
    );
  }
  const half = (dimension.step ?? 0) / 2;
  const [low, high] = [dimension.low - half, dimension.high + half];
  const values = (points: readonly SearchPoint[]) =>
    points.flatMap((p) => (typeof p[path] === "number" ? [toModelled(dimension, p[path] as number)] : []));
  const l = numericParzen(values(good), low, high);
  const g = numericParzen(values(bad), low, high);
  return Object.assign(
    (random: () => number) => {
      const x = sampleNumeric(l, random);
      const value = fromModelledValue(dimension, x);
      const at = toModelled(dimension, value);
      return { value, logRatio: logDensityNumeric(l, at) - logDensityNumeric(g, at) };
    },
    { path },
  );
}
