import { formatConfigPath } from "./config-path.js";
import { UsageError } from "./errors.js";

/** Deepest nesting of mappings and lists a config may have (a real one nests about 6 deep). */
export const MAX_CONFIG_DEPTH = 32;

/**
 * Checks a config as parsed, before the schema sees it: no mapping or list nested
 * deeper than MAX_CONFIG_DEPTH, no NUL character in any key or string (the
 * database cannot store one) and no `__proto__` key. The message names the config path.
 */
export function checkRawConfig(value: unknown, path: PropertyKey[] = []): void {
  if (typeof value === "string") {
    if (value.includes("\u0000")) throw atPath(path, "must not contain a NUL character");
    return;
  }
  if (value === null || typeof value !== "object") return;
  if (path.length >= MAX_CONFIG_DEPTH) throw atPath(path, `nests deeper than the limit of ${MAX_CONFIG_DEPTH} levels`);
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) checkRawConfig(item, [...path, index]);
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (key.includes("\u0000")) throw atPath([...path, key], "key must not contain a NUL character");
    // Copies of the config (structuredClone, JSON) would drop or re-parent it silently.
    if (key === "__proto__") throw atPath([...path, key], "is not allowed as a key");
    checkRawConfig(item, [...path, key]);
  }
}

function atPath(path: PropertyKey[], rule: string): UsageError {
  const where = formatConfigPath(path);
  return new UsageError(`${where}: ${rule}`, where);
}
