import type { z } from "zod";
import { canonicalJson } from "./canonical-json.js";
import { formatConfigPath, valueAt } from "./config-path.js";
import { describeValue, UsageError } from "./errors.js";
import { type ModelSpec, modelSchema } from "./model-spec.js";
import { closest, keysAt, schemasAt } from "./schema-paths.js";
import { type DatasetSpec, datasetSchema, type TrainingSpec, trainingSchema } from "./training-spec.js";
import { zodIssueError } from "./zod-issues.js";

/** The three specs a trial is made of; sweep parameters and variant overrides address them by dotted path. */
export interface BaseSpecs {
  model: ModelSpec;
  training: TrainingSpec;
  dataset: DatasetSpec;
}

const SECTIONS = { model: modelSchema, training: trainingSchema, dataset: datasetSchema } as const;
type Section = keyof typeof SECTIONS;

/** A dotted path (`model.pool.size`) → the value it takes; applied in order. */
export interface Override {
  path: string;
  value: unknown;
  /** Where the value was written in the config (`["parameters", "model.pool.size", "values", 1]`), for errors. */
  where: PropertyKey[];
}

function splitPath(path: string): { section: Section; keys: string[] } | undefined {
  const [section, ...keys] = path.split(".");
  return section && Object.hasOwn(SECTIONS, section) && keys.length > 0
    ? { section: section as Section, keys }
    : undefined;
}

/**
 * Throws unless `path` names a field of the model, training or dataset spec
 * (array members by index: `model.conv.0.filters`). `where` is the config path
 * of the key, for the message.
 */
export function checkSpecPath(path: string, where: string): void {
  const split = splitPath(path);
  if (!split) {
    const section = closest(path.split(".")[0] ?? "", Object.keys(SECTIONS));
    const hint = section ? ` (did you mean "${section}.…"?)` : "";
    throw new UsageError(
      `${where}: must be a dotted path starting with model., training. or dataset.${hint}, got ${describeValue(path)}`,
      where,
    );
  }
  const schema = SECTIONS[split.section];
  for (let depth = 1; depth <= split.keys.length; depth++) {
    if (schemasAt(schema, split.keys.slice(0, depth)).length > 0) continue;
    const parent = split.keys.slice(0, depth - 1);
    const suggestion = closest(split.keys[depth - 1] as string, keysAt(schema, parent));
    const fixed = suggestion && [split.section, ...parent, suggestion, ...split.keys.slice(depth)].join(".");
    const hint = fixed ? ` (did you mean ${describeValue(fixed)}?)` : "";
    throw new UsageError(
      `${where}: names no field of the base ${split.section} spec${hint}, got ${describeValue(path)}`,
      where,
    );
  }
}

/**
 * The base specs with `overrides` applied and every section validated again
 * (defaults filled in). A value that makes a section invalid throws a UsageError
 * at the override's `where` + the offending member, e.g.
 * `parameters.model.conv.values[1][0].filters: must be greater than 0, got 0`.
 */
export function resolveSpecs(base: BaseSpecs, overrides: readonly Override[]): BaseSpecs {
  const raw = structuredClone(base) as unknown as Record<Section, unknown>;
  for (const { path, value, where } of overrides) {
    const split = splitPath(path);
    if (!split) throw new UsageError(`${formatConfigPath(where)}: not a spec path, got ${describeValue(path)}`);
    raw[split.section] = setAt(raw[split.section], split.keys, value, where);
  }
  const resolved = {} as Record<Section, unknown>;
  for (const section of Object.keys(SECTIONS) as Section[]) {
    const schema: z.ZodType = SECTIONS[section];
    const result = schema.safeParse(raw[section]);
    if (result.success) {
      resolved[section] = result.data;
      continue;
    }
    throw blame(result.error.issues, section, raw[section], overrides);
  }
  return resolved as unknown as BaseSpecs;
}

/** Names the override responsible for an invalid section (the one whose path holds the issue). */
function blame(
  issues: readonly z.core.$ZodIssue[],
  section: Section,
  input: unknown,
  overrides: readonly Override[],
): UsageError {
  const issuePath = (issues[0] as z.core.$ZodIssue).path.map(String);
  const culprit = [...overrides].reverse().find(({ path }) => {
    const split = splitPath(path);
    return split?.section === section && split.keys.every((key, i) => i >= issuePath.length || issuePath[i] === key);
  });
  if (!culprit) return zodIssueError(issues, input, SECTIONS[section], [section]);
  const keys = (splitPath(culprit.path) as { keys: string[] }).keys;
  const inner = issues.map((issue) => ({ ...issue, path: issue.path.slice(keys.length) })) as z.core.$ZodIssue[];
  const valueSchema = schemasAt(SECTIONS[section], keys)[0] ?? SECTIONS[section];
  return zodIssueError(inner, culprit.value, valueSchema, culprit.where);
}

function setAt(target: unknown, keys: readonly string[], value: unknown, where: PropertyKey[]): unknown {
  const [key, ...rest] = keys as [string, ...string[]];
  if (Array.isArray(target)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index >= target.length) {
      throw new UsageError(
        `${formatConfigPath(where)}: index ${key} is past the end of a base list of ${target.length}, got ${describeValue(value)}`,
      );
    }
    const copy = [...target];
    copy[index] = rest.length === 0 ? value : setAt(copy[index], rest, value, where);
    return copy;
  }
  const object = target !== null && typeof target === "object" ? { ...(target as Record<string, unknown>) } : {};
  object[key] =
    rest.length === 0 ? value : setAt(Object.hasOwn(object, key) ? object[key] : undefined, rest, value, where);
  return object;
}

/** The value at a dotted spec path in `specs`, or undefined. */
export function specValueAt(specs: BaseSpecs, path: string): unknown {
  return valueAt(specs, path.split("."));
}

/** True when the two values serialize alike (key order ignored). */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
