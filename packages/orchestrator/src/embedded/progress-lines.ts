import { PRINTABLE_LENGTH, printable, type TrialEvent } from "@sweep/core";
import type { TrialRankingRow } from "@sweep/store";
import { type Column, formatTable, readableNumber } from "../output/format-rows.js";
import { withMetric } from "../output/metric-column.js";

/** One plain line per recorded event worth reading: finished epochs and trial outcomes (see `printable`). */
export function progressLine(event: TrialEvent, trialName: string, epochsPlanned: number): string | undefined {
  const line = eventLine(event, `${event.trialId} (${trialName})`, epochsPlanned);
  return line === undefined ? undefined : printable(line, PRINTABLE_LENGTH.line);
}

function eventLine(event: TrialEvent, who: string, epochsPlanned: number): string | undefined {
  switch (event.type) {
    case "epoch": {
      const m = event.metrics;
      return `${who} epoch ${m.epoch}/${epochsPlanned}: loss ${fixed(m.loss)} val_loss ${fixed(m.val_loss)} val_acc ${fixed(m.val_accuracy)} (${(m.duration_ms / 1000).toFixed(1)} s)`;
    }
    case "completed":
      return `${who} completed: test_loss ${fixed(event.test_loss)} test_acc ${fixed(event.test_accuracy)}`;
    case "failed":
      return event.retryable
        ? `${who} attempt ${event.attempt} failed, retrying: ${event.error}`
        : `${who} failed: ${event.error}`;
    case "pruned":
      return `${who} pruned at epoch ${event.epoch}: ${event.reason}`;
    case "cancelled":
      return `${who} cancelled after epoch ${event.epoch}`;
    default:
      return undefined;
  }
}

const fixed = (value: number) => (Number.isFinite(value) ? value.toFixed(4) : String(value));

const RANKING_COLUMNS: Column<TrialRankingRow>[] = [
  { header: "rank", value: (r) => r.rank },
  { header: "trial", value: (r) => r.trial_name },
  { header: "status", value: (r) => r.status },
  {
    header: "best val_loss @ epoch",
    value: (r) => (r.best_val_loss === null ? "" : `${readableNumber(r.best_val_loss)} @ ${r.best_epoch}`),
  },
  // "none" once epochs exist, so a blank never reads as "not computed".
  { header: "overfit epoch", value: (r) => r.overfit_epoch ?? (r.best_epoch === null ? "" : "none") },
  { header: "test accuracy", value: (r) => r.test_accuracy },
];

/** The table `sweep run` ends with: trials by the sweep's metric, where overfitting began, test accuracy. */
export function rankingTable(rows: readonly TrialRankingRow[]): string {
  return formatTable(rows, withMetric(RANKING_COLUMNS, rows));
}
