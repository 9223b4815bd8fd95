import { describeValue, UsageError } from "@sweep/core";

/**
 * A whole-number option (`--limit`, `--offset`, `--top`): at least `min`, at most
 * 999,999,999; anything else is a usage error naming the option and the value.
 */
export function parseCount(text: string, option: string, min = 0): number {
  const value = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min)) {
    throw new UsageError(`${option}: must be a whole number from ${min}, got ${describeValue(text)}`, option);
  }
  return value;
}
