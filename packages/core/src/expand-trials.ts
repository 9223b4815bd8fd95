import { canonicalJson, hashCanonical } from "./canonical-json.js";
import { formatConfigPath } from "./config-path.js";
import { UsageError } from "./errors.js";
import { trialModel } from "./model/trial-model.js";
import { type BaseSpecs, type Override, resolveSpecs, sameValue, specValueAt } from "./spec-overrides.js";
import type { SweepConfig, Variant } from "./sweep-config.js";
import { gridPoints, randomPoints, randomSpaceSize } from "./sweep-points.js";
import { earlyTerminateRules } from "./training-spec.js";
import type { TrialSpec } from "./trial.js";
import { describeTrialParams } from "./trial-name.js";
import { epochMonitor } from "./weights/kept-weights.js";

/** Random search gives up after this many draws in a row that added no trial (repeats and collapses). */
const RANDOM_FRUITLESS_DRAWS = 1000;

/**
 * The trials of a sweep, in a deterministic order with deterministic ids
 * (`<sweepId>-t<ordinal, 3 digits>`, ordinals from 0):
 * - `grid` and `list`: every variant (in file order; one implicit "base" variant
 *   when there are none) crossed with the cartesian product of the parameters'
 *   values (parameter key order, the last key varying fastest). Parameter values
 *   are applied after the variant's overrides, so they win on a shared path.
 * - `random`: seeded draws (seed: config `seed`, else `training.seed`) until
 *   `run_cap` distinct trials exist, every point of a finite space was drawn, or
 *   1,000 draws in a row added no trial. A repeated point is not resolved again.
 * Points that resolve to the same layers + training + dataset (the trial `key`)
 * collapse into the first of them. A trial's `name` is its variant's name followed by
 * the values of the swept parameters (those with more than one value), or `base`.
 * Its `params` hold every override (as written) whose resolved value differs from the base spec.
 * A grid with more distinct trials than
 * `run_cap` (or than MAX_TRIALS) is a UsageError, as is a point whose model is
 * invalid or collapses (the message names the trial, the layer and the shapes), and a
 * random search that draws no trial at all (a grid or list always has one).
 */
export function expandTrials(config: SweepConfig, sweepId: string): TrialSpec[] {
  return expandSweep(config, sweepId).trials;
}

/** A grid or list point that resolved to the same trial as an earlier one, and was dropped. */
export interface CollapsedPoint {
  /** The name the dropped point would have had. */
  name: string;
  /** Id of the trial it resolved to. */
  sameAs: string;
}

/** `expandTrials`, also telling which grid/list points collapsed into earlier trials (random redraws are not listed). */
export function expandSweep(
  config: SweepConfig,
  sweepId: string,
): { trials: TrialSpec[]; collapsed: CollapsedPoint[] } {
  const base: BaseSpecs = { model: config.model, training: config.training, dataset: config.dataset };
  const trials: TrialSpec[] = [];
  const collapsed: CollapsedPoint[] = [];
  const byKey = new Map<string, TrialSpec>();
  const add = (variant: Variant | undefined, variantIndex: number, point: Override[]) => {
    const trial = resolveTrial(config, base, sweepId, trials.length, variant, variantIndex, point);
    const earlier = byKey.get(trial.key);
    if (earlier) {
      if (config.method === "grid" || config.method === "list")
        collapsed.push({ name: trial.name, sameAs: earlier.id });
      return;
    }
    byKey.set(trial.key, trial);
    trials.push(trial);
  };
  // bayes: the controller proposes its trials as results come in; this is a check of
  // what it may propose (run_cap random draws, as its start-up trials are drawn).
  if (config.method === "random" || config.method === "bayes") {
    const cap = config.run_cap ?? 0;
    const space = randomSpaceSize(config.parameters);
    const drawn = new Set<string>();
    const points = randomPoints(config);
    for (let fruitless = 0; trials.length < cap && drawn.size < space && fruitless < RANDOM_FRUITLESS_DRAWS; ) {
      const point = points.next().value as Override[];
      const pointKey = canonicalJson(point.map(({ value }) => value));
      const before = trials.length;
      if (!drawn.has(pointKey)) {
        drawn.add(pointKey);
        add(undefined, -1, point);
      }
      fruitless = trials.length > before ? 0 : fruitless + 1;
    }
    if (trials.length === 0) {
      throw new UsageError(
        `parameters: resolve to no trial to run (random search has no point to draw), got a space of ${space} distinct points`,
        "parameters",
      );
    }
    return { trials, collapsed };
  }
  const variants = config.variants ?? [];
  const points = gridPoints(config.parameters, Math.max(1, variants.length));
  if (variants.length === 0) for (const point of points) add(undefined, -1, point);
  variants.forEach((variant, index) => {
    for (const point of points) add(variant, index, point);
  });
  if (config.run_cap !== undefined && trials.length > config.run_cap) {
    throw new UsageError(
      `run_cap: the sweep expands to ${trials.length} distinct trials, more than run_cap, got ${config.run_cap}`,
      "run_cap",
    );
  }
  return { trials, collapsed };
}

/** A parameter that takes more than one value (a list of several, or a range). */
function isSwept(spec: SweepConfig["parameters"][string] | undefined): boolean {
  if (!spec) return false;
  if (spec.values) return spec.values.length > 1;
  return spec.min !== undefined && spec.max !== undefined && spec.min < spec.max;
}

/**
 * The trial a point of the parameter space resolves to (no variant), with the given
 * ordinal: how the bayes controller turns a proposal into a trial. A point whose model
 * is invalid or collapses is a UsageError, as in `expandTrials`.
 */
export function resolvePoint(config: SweepConfig, sweepId: string, ordinal: number, point: Override[]): TrialSpec {
  const base: BaseSpecs = { model: config.model, training: config.training, dataset: config.dataset };
  return resolveTrial(config, base, sweepId, ordinal, undefined, -1, point);
}

function resolveTrial(
  config: SweepConfig,
  base: BaseSpecs,
  sweepId: string,
  ordinal: number,
  variant: Variant | undefined,
  variantIndex: number,
  point: Override[],
): TrialSpec {
  const variantOverrides: Override[] = Object.entries(variant?.overrides ?? {}).map(([path, value]) => ({
    path,
    value,
    where: ["variants", variantIndex, "overrides", path],
  }));
  const overrides = [...variantOverrides, ...point];
  const specs = resolveSpecs(base, overrides);
  const params = Object.fromEntries(
    overrides
      .filter(({ path }) => !sameValue(specValueAt(specs, path), specValueAt(base, path)))
      .map(({ path, value }) => [path, value]),
  );
  const swept = point.filter(({ path }) => isSwept(config.parameters[path]));
  const pointName = describeTrialParams(Object.fromEntries(swept.map(({ path, value }) => [path, value])));
  const name = variant ? [variant.name, pointName].filter(Boolean).join(" ") : pointName || "base";
  const where = variant ? formatConfigPath(["variants", variantIndex]) : "parameters";
  const { layers } = trialModel(specs.model, { where, name, params });
  const key = hashCanonical({
    input_shape: specs.model.input_shape,
    layers,
    training: specs.training,
    dataset: specs.dataset,
  });
  const { overfit } = earlyTerminateRules(config.early_terminate);
  return {
    id: `${sweepId}-t${String(ordinal).padStart(3, "0")}`,
    sweepId,
    ordinal,
    name,
    key,
    params,
    model: specs.model,
    layers,
    training: specs.training,
    dataset: specs.dataset,
    ...(overfit ? { earlyTerminate: overfit } : {}),
    monitor: epochMonitor(config.metric),
  };
}
