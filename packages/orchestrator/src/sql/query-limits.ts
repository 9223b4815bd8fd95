import { describeValue, UsageError } from "@sweep/core";

/** How long and how much a `sweep sql` statement may take. */
export interface QueryLimits {
  /** `--timeout`: statement, lock wait and idle transaction bound, in milliseconds. */
  timeoutMs: number;
  /** `--limit`: rows printed at most; undefined prints them all (`--limit all`). */
  maxRows: number | undefined;
}

export const DEFAULT_TIMEOUT_S = 30;
export const DEFAULT_ROW_LIMIT = 1000;
const MAX_TIMEOUT_S = 24 * 60 * 60;

/** Rows read per round trip (server cursor fetch, embedded page): bounds memory whatever the result's size. */
export const BATCH_ROWS = 1000;

/** `--timeout <seconds>`: a number above 0, at most a day. */
export function parseTimeout(value: string): number {
  const seconds = Number(value);
  if (value.trim() === "" || !Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_TIMEOUT_S) {
    throw new UsageError(
      `--timeout: must be a number of seconds above 0 and at most ${MAX_TIMEOUT_S}; got ${describeValue(value)}`,
      "--timeout",
    );
  }
  return Math.max(1, Math.round(seconds * 1000));
}

/** `--limit <rows>`: a whole number above 0, or `all`. */
export function parseRowLimit(value: string): number | undefined {
  if (value === "all") return undefined;
  const rows = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(rows) || rows < 1) {
    throw new UsageError(
      `--limit: must be a whole number of rows above 0, or all; got ${describeValue(value)}`,
      "--limit",
    );
  }
  return rows;
}

/**
 * Passes at most `limit` rows on and notes whether more were there: reading stops at
 * the first row past the limit, so at most one batch more than needed is fetched.
 */
export class RowBudget {
  delivered = 0;
  cut = false;
  constructor(readonly limit: number | undefined) {}

  /** Rows to ask for per batch: one past the limit is enough to know whether it cuts. */
  batchRows(): number {
    return this.limit === undefined ? BATCH_ROWS : Math.min(BATCH_ROWS, this.limit + 1);
  }

  /** The part of `batch` within the limit; after a cut, stop reading. */
  take<Row>(batch: readonly Row[]): Row[] {
    const room = this.limit === undefined ? batch.length : this.limit - this.delivered;
    if (batch.length > room) this.cut = true;
    const kept = batch.slice(0, room);
    this.delivered += kept.length;
    return kept;
  }
}
