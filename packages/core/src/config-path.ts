import { PRINTABLE_LENGTH, printable } from "./printable.js";

/**
 * `["parameters", "model.pool.size", "values", 0]` → `parameters.model.pool.size.values[0]`.
 * Each key is made printable (a key is text from the config file).
 */
export function formatConfigPath(path: ReadonlyArray<PropertyKey>): string {
  let text = "";
  for (const key of path) {
    if (typeof key === "number") text += `[${key}]`;
    else {
      const name = printable(String(key), PRINTABLE_LENGTH.value);
      text += text === "" ? name : `.${name}`;
    }
  }
  return text === "" ? "(top level)" : text;
}

/** The own member of `value` at `path`, or undefined (never one inherited from a prototype). */
export function valueAt(value: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
