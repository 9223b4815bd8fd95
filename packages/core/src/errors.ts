import { PRINTABLE_LENGTH, printable } from "./printable.js";

/**
 * A mistake in what the user gave us (config, arguments): the CLI prints its
 * message on one line and exits 2. Classified by `name`, never `instanceof`, so it
 * survives a thread or process boundary.
 *
 * The message names where (config path or argument), the rule, and the value received.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly code = "E_USAGE";
  constructor(
    message: string,
    /** Config path (`parameters.model.pool.size.values`) or argument (`--threads`). */
    readonly where?: string,
  ) {
    super(message);
  }
}

export function isUsageError(error: unknown): error is UsageError {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "UsageError";
}

/** Renders a received value for an error message: short, one line (see `printable`). */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  const text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return printable(text, PRINTABLE_LENGTH.value);
}

/**
 * The message of anything thrown: an error's `message` (also of an error cloned across
 * a thread boundary, which is no longer an `instanceof Error`), else its `String()`.
 */
export function errorMessage(error: unknown): string {
  const message = typeof error === "object" && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === "string" ? message : String(error);
}
