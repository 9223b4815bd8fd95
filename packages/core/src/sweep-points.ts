import { canonicalJson } from "./canonical-json.js";
import { formatConfigPath } from "./config-path.js";
import { describeValue, UsageError } from "./errors.js";
import { seededRandom } from "./random.js";
import type { Override } from "./spec-overrides.js";
import { MAX_TRIALS, type ParameterSpec, type SweepConfig } from "./sweep-config.js";

/**
 * The points of a sweep's parameter space, before they are applied to the base
 * specs: each is the list of overrides the point sets, in parameter key order.
 */

/** Every combination of the parameters' values, the last key varying fastest (like itertools.product). */
export function gridPoints(parameters: Record<string, ParameterSpec>, multiplier = 1): Override[][] {
  const axes = Object.entries(parameters).map(([path, spec]) => {
    if (spec.values) return spec.values.map((value, i) => ({ path, value, where: ["parameters", path, "values", i] }));
    if ("value" in spec) return [{ path, value: spec.value, where: ["parameters", path, "value"] }];
    const where = formatConfigPath(["parameters", path]);
    throw new UsageError(
      `${where}: min/max ranges need method random or bayes (grid and list take values or value), got ${describeValue(spec)}`,
      where,
    );
  });
  const size = axes.reduce((product, axis) => product * axis.length, multiplier);
  if (size > MAX_TRIALS) {
    throw new UsageError(
      `parameters: expands to ${size} trials, more than the limit of ${MAX_TRIALS}, got ${axes.map((a) => a.length).join("x")} values`,
      "parameters",
    );
  }
  return axes.reduce<Override[][]>(
    (points, axis) => points.flatMap((point) => axis.map((entry) => [...point, entry])),
    [[]],
  );
}

/**
 * An endless, seeded sequence of random points: `values` picks one uniformly,
 * `value` is constant, `min`/`max` draw from their distribution.
 */
export function* randomPoints(config: SweepConfig): Generator<Override[]> {
  const random = seededRandom(config.seed ?? config.training.seed);
  const entries = Object.entries(config.parameters);
  for (;;) yield entries.map(([path, spec]) => ({ path, value: sample(spec, random), where: ["parameters", path] }));
}

/**
 * How many distinct points random search can draw: the product over parameters of
 * their distinct values (`values` without repeats, `value` 1, int_uniform's and
 * q_uniform's steps); Infinity when one is continuous.
 */
export function randomSpaceSize(parameters: Record<string, ParameterSpec>): number {
  let size = 1;
  for (const spec of Object.values(parameters)) size *= distinctValues(spec);
  return size;
}

function distinctValues(spec: ParameterSpec): number {
  if (spec.values) return new Set(spec.values.map((value) => canonicalJson(value))).size;
  if (spec.min === undefined || spec.max === undefined) return 1;
  switch (spec.distribution ?? "uniform") {
    case "int_uniform":
      return spec.max - spec.min + 1;
    case "q_uniform": {
      const q = spec.q ?? 1;
      return Math.round(spec.max / q) - Math.round(spec.min / q) + 1;
    }
    default:
      return spec.min === spec.max ? 1 : Number.POSITIVE_INFINITY;
  }
}

function sample(spec: ParameterSpec, random: () => number): unknown {
  if (spec.values) return spec.values[Math.floor(random() * spec.values.length)];
  if (spec.min === undefined || spec.max === undefined) return spec.value;
  const { min, max } = spec;
  const u = random();
  switch (spec.distribution ?? "uniform") {
    case "int_uniform":
      return Math.min(max, min + Math.floor(u * (max - min + 1)));
    case "log_uniform_values":
      return Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min)));
    case "q_uniform": {
      const q = spec.q ?? 1;
      return Math.round((min + u * (max - min)) / q) * q;
    }
    default:
      return min + u * (max - min);
  }
}

/**
 * The rules a parameter spec must follow beyond its schema: exactly one form;
 * `min ≤ max`; `distribution`/`q` only with a range; q_uniform needs `q`, and one
 * that leaves a finite number of steps (q: 5e-324 would draw nothing);
 * int_uniform needs integer bounds; log_uniform_values needs `min > 0`.
 */
export function checkParameter(path: string, spec: ParameterSpec): void {
  const where = formatConfigPath(["parameters", path]);
  const fail = (rule: string, at: string, got: unknown) => {
    throw new UsageError(`${at}: ${rule}, got ${describeValue(got)}`, at);
  };
  const hasRange = spec.min !== undefined || spec.max !== undefined;
  const forms = [spec.values !== undefined, "value" in spec, hasRange].filter(Boolean).length;
  if (forms !== 1) fail("needs exactly one of values, value or min/max", where, spec);
  if (!hasRange) {
    if (spec.distribution !== undefined)
      fail("distribution needs min and max", `${where}.distribution`, spec.distribution);
    if (spec.q !== undefined) fail("q needs min, max and distribution q_uniform", `${where}.q`, spec.q);
    return;
  }
  if (spec.min === undefined) fail("is required with max", `${where}.min`, undefined);
  if (spec.max === undefined) fail("is required with min", `${where}.max`, undefined);
  const { min, max } = spec as { min: number; max: number };
  if (min > max) fail(`must be ≤ max (${max})`, `${where}.min`, min);
  const distribution = spec.distribution ?? "uniform";
  if (distribution === "int_uniform" && !(Number.isInteger(min) && Number.isInteger(max))) {
    fail("int_uniform needs integer min and max", where, { min, max });
  }
  if (distribution === "log_uniform_values" && min <= 0) fail("log_uniform_values needs min > 0", `${where}.min`, min);
  if (distribution === "q_uniform" && spec.q === undefined) fail("q_uniform needs q", `${where}.q`, undefined);
  if (distribution === "q_uniform" && !(Number.isFinite(max / (spec.q ?? 1)) && Number.isFinite(min / (spec.q ?? 1)))) {
    fail("q_uniform needs a q for which max / q and min / q are finite numbers of steps", `${where}.q`, spec.q);
  }
  if (distribution !== "q_uniform" && spec.q !== undefined)
    fail("q needs distribution q_uniform", `${where}.q`, spec.q);
}
