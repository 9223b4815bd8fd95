import type { TrialRankingRow } from "@sweep/store";
import { type Column, formatRows, type OutputFormat, readableNumber } from "./format-rows.js";
import { withMetric } from "./metric-column.js";

/** Every field of the ranking, for csv and json. */
const DATA_COLUMNS: Column<TrialRankingRow>[] = (
  [
    "rank",
    "trial_id",
    "trial_name",
    "status",
    "best_val_loss",
    "best_epoch",
    "overfit_epoch",
    "last_epoch",
    "epochs_planned",
    "last_val_loss",
    "val_accuracy_at_best",
    "test_loss",
    "test_accuracy",
    "param_count",
    "backend",
    "params",
    "metric_name",
    "metric_goal",
    "metric_value",
    "test_weights",
    "test_epoch",
  ] as const
).map((name) => ({ header: name, value: (row: TrialRankingRow) => row[name] }));

/** The table people read: best val_loss with its epoch, the overfit epoch, progress in epochs. */
const TABLE_COLUMNS: Column<TrialRankingRow>[] = [
  { header: "rank", value: (r) => r.rank },
  { header: "trial", value: (r) => r.trial_name },
  { header: "status", value: (r) => r.status },
  {
    header: "best val_loss @ epoch",
    value: (r) => (r.best_val_loss === null ? "" : `${readableNumber(r.best_val_loss)} @ ${r.best_epoch}`),
  },
  // "none" once epochs exist, so a blank never reads as "not computed".
  { header: "overfits from", value: (r) => r.overfit_epoch ?? (r.best_epoch === null ? "" : "none") },
  { header: "epochs", value: (r) => `${r.last_epoch ?? 0}/${r.epochs_planned}` },
  { header: "val_acc @ best", value: (r) => r.val_accuracy_at_best },
  { header: "test_loss", value: (r) => r.test_loss },
  { header: "test_acc", value: (r) => r.test_accuracy },
  // Which weights the test figures are of: the last epoch's, or the best's (training.restore_best_weights).
  { header: "test on", value: (r) => (r.test_weights === null ? "" : `${r.test_weights} @ ${r.test_epoch ?? "?"}`) },
  { header: "params", value: (r) => r.param_count },
  { header: "backend", value: (r) => r.backend },
];

/**
 * A sweep's ranking as `sweep results` prints it, and `sweep run` at its end: the
 * table people read, or every field for csv and json.
 */
export function rankingTable(rows: readonly TrialRankingRow[], format: OutputFormat = "table"): string {
  return formatRows(rows, format === "table" ? withMetric(TABLE_COLUMNS, rows) : DATA_COLUMNS, format);
}
