import { describeTrialParams, PRINTABLE_LENGTH, printable } from "@sweep/core";

const SPARK_LEVELS = "▁▂▃▄▅▆▇█";

/** `1h02m`, `3m05s`, `12s`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m${String(s).padStart(2, "0")}s`;
  return `${s}s`;
}

export function formatLoss(value: number | null): string {
  return value === null ? "—" : value.toFixed(4);
}

export function formatPercent(value: number | null): string {
  return value === null ? "—" : `${(value * 100).toFixed(2)}%`;
}

/** `[██████░░░░] 6/10`. */
export function progressBar(done: number, total: number, width: number): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(fraction * width);
  return `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${done}/${total}`;
}

/** One block character per value, scaled between the series' min and max. */
export function sparkline(values: readonly number[]): string {
  if (values.length === 0) return "";
  const min = Math.min(...values);
  const span = Math.max(...values) - min;
  const top = SPARK_LEVELS.length - 1;
  return values.map((v) => SPARK_LEVELS[span === 0 ? 0 : Math.round(((v - min) / span) * top)]).join("");
}

/** `pool=4 dense=[]`: a trial's differences from the base spec, as core's `describeTrialParams` ("base" when none). */
export function describeParams(params: Record<string, unknown>, separator = " "): string {
  const text = describeTrialParams(params, separator);
  return text === "" ? "base" : printable(text, PRINTABLE_LENGTH.cell);
}

/** A table cell of exactly `width` characters: the text cut (with `…`) to leave one space after it. */
export function fit(text: string, width: number): string {
  if (width <= 0) return "";
  const room = width - 1;
  const cut = text.length > room ? `${text.slice(0, Math.max(0, room - 1))}…` : text;
  return cut.padEnd(width);
}
