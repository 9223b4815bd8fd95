import { canonicalJson } from "../canonical-json.js";
import type { Override } from "../spec-overrides.js";
import type { ParameterSpec } from "../sweep-config.js";

/**
 * A sweep's parameters as a search space. Numeric dimensions live in the space the
 * search models them in: `log_uniform_values` in natural log, the others as written;
 * `step` (1 for int_uniform, q for q_uniform) rounds what is drawn there.
 */
export type Dimension =
  | { path: string; kind: "categorical"; choices: readonly unknown[] }
  | { path: string; kind: "numeric"; low: number; high: number; log: boolean; step?: number }
  | { path: string; kind: "constant"; value: unknown };

/** A point of the space: dotted path → value, in parameter key order. */
export type SearchPoint = Record<string, unknown>;

export function searchSpace(parameters: Record<string, ParameterSpec>): Dimension[] {
  return Object.entries(parameters).map(([path, spec]): Dimension => {
    if (spec.values) return { path, kind: "categorical", choices: spec.values };
    if (spec.min === undefined || spec.max === undefined) return { path, kind: "constant", value: spec.value };
    const distribution = spec.distribution ?? "uniform";
    if (distribution === "log_uniform_values") {
      return { path, kind: "numeric", low: Math.log(spec.min), high: Math.log(spec.max), log: true };
    }
    const step = distribution === "int_uniform" ? 1 : distribution === "q_uniform" ? spec.q : undefined;
    return { path, kind: "numeric", low: spec.min, high: spec.max, log: false, ...(step ? { step } : {}) };
  });
}

/** A value of a numeric dimension from its modelled space (exp for log, rounded to its step). */
export function fromModelled(dimension: Extract<Dimension, { kind: "numeric" }>, x: number): number {
  if (dimension.log) return Math.min(Math.exp(dimension.high), Math.max(Math.exp(dimension.low), Math.exp(x)));
  const clamped = Math.min(dimension.high, Math.max(dimension.low, x));
  if (dimension.step === undefined) return clamped;
  const stepped = Math.round(clamped / dimension.step) * dimension.step;
  // Keep q_uniform's float steps readable (0.30000000000000004 → 0.3).
  return Number(stepped.toPrecision(12));
}

/** A value of a numeric dimension in its modelled space (log for log_uniform_values). */
export function toModelled(dimension: Extract<Dimension, { kind: "numeric" }>, value: number): number {
  return dimension.log ? Math.log(value) : value;
}

/** Index of a categorical value among the choices (equal as canonical JSON), or -1. */
export function choiceIndex(dimension: Extract<Dimension, { kind: "categorical" }>, value: unknown): number {
  const text = canonicalJson(value);
  return dimension.choices.findIndex((choice) => canonicalJson(choice) === text);
}

/** A uniform draw of the whole space (the start-up trials; random search's distributions). */
export function samplePoint(space: readonly Dimension[], random: () => number): SearchPoint {
  const point: SearchPoint = {};
  for (const dimension of space) {
    if (dimension.kind === "constant") point[dimension.path] = dimension.value;
    else if (dimension.kind === "categorical") {
      point[dimension.path] = dimension.choices[Math.floor(random() * dimension.choices.length)];
    } else {
      const half = (dimension.step ?? 0) / 2;
      const x = dimension.low - half + random() * (dimension.high - dimension.low + 2 * half);
      point[dimension.path] = fromModelled(dimension, x);
    }
  }
  return point;
}

/** The overrides a point sets, as `resolvePoint` takes them. */
export function pointOverrides(point: SearchPoint): Override[] {
  return Object.entries(point).map(([path, value]) => ({ path, value, where: ["parameters", path] }));
}
