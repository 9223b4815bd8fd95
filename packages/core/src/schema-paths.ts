import type { z } from "zod";

/*
 * Walking a zod schema by path: which keys exist where, so an error can name the
 * field a user meant and a dotted parameter path can be checked against the spec.
 */

type AnySchema = z.core.$ZodType;

interface Def {
  type: string;
  innerType?: AnySchema;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  items?: AnySchema[];
  options?: AnySchema[];
  valueType?: AnySchema;
  in?: AnySchema;
}

const WRAPPERS = new Set(["default", "prefault", "optional", "nullable", "readonly", "catch", "nonoptional"]);

function defOf(schema: AnySchema): Def {
  return schema._zod.def as unknown as Def;
}

/** The schema without default/optional/nullable wrappers. */
function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (let def = defOf(current); ; def = defOf(current)) {
    if (WRAPPERS.has(def.type) && def.innerType) current = def.innerType;
    else if (def.type === "pipe" && def.in) current = def.in;
    else return current;
  }
}

/** The schemas a member `key` of `schema` may be validated by (several for a union). */
function children(schema: AnySchema, key: string | number): AnySchema[] {
  const def = defOf(unwrap(schema));
  const index = typeof key === "number" ? key : /^\d+$/.test(key) ? Number(key) : undefined;
  switch (def.type) {
    case "object": {
      const shape = def.shape ?? {};
      return Object.hasOwn(shape, key) ? [shape[String(key)] as AnySchema] : [];
    }
    case "record":
      return def.valueType ? [def.valueType] : [];
    case "array":
      return index !== undefined && def.element ? [def.element] : [];
    case "tuple": {
      const item = index === undefined ? undefined : def.items?.[index];
      return item ? [item] : [];
    }
    case "union":
      return (def.options ?? []).flatMap((option) => children(option, key));
    default:
      return [];
  }
}

/** Every schema reachable at `path` (empty when the path names nothing). */
export function schemasAt(schema: AnySchema, path: ReadonlyArray<string | number>): AnySchema[] {
  return path.reduce<AnySchema[]>((found, key) => found.flatMap((s) => children(s, key)), [schema]);
}

/** The object keys a value at `path` may have (for "did you mean"). */
export function keysAt(schema: AnySchema, path: ReadonlyArray<string | number>): string[] {
  return schemasAt(schema, path).flatMap((s) => {
    const def = defOf(unwrap(s));
    if (def.type === "object") return Object.keys(def.shape ?? {});
    if (def.type === "union") return (def.options ?? []).flatMap((option) => keysAt(option, []));
    return [];
  });
}

/** The closest candidate to `word` if it is a plausible typo of it. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  const tolerance = Math.max(1, Math.round(word.length / 3));
  return best && best.distance <= tolerance ? best.candidate : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] as number;
}
