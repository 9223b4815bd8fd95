import { describeValue, UsageError } from "@sweep/core";

export const MIN_INTERVAL_MS = 50;
export const MAX_INTERVAL_MS = 60_000;

/** `--interval`: a whole number of milliseconds between two refreshes. */
export function parseIntervalMs(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < MIN_INTERVAL_MS || value > MAX_INTERVAL_MS) {
    throw new UsageError(
      `--interval must be a whole number of milliseconds from ${MIN_INTERVAL_MS} to ${MAX_INTERVAL_MS}, got ${describeValue(text)}`,
      "--interval",
    );
  }
  return value;
}
