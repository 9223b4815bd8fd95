import { getSweep, type TrialRankingRow, trialRanking } from "@sweep/store";
import type { Command } from "commander";
import { type Column, formatRows, parseOutputFormat, readableNumber } from "../output/format-rows.js";
import { withMetric } from "../output/metric-column.js";
import { withDatabase, withDatabaseOption } from "./database-option.js";

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
  { header: "overfits from", value: (r) => r.overfit_epoch },
  { header: "epochs", value: (r) => `${r.last_epoch ?? 0}/${r.epochs_planned}` },
  { header: "val_acc @ best", value: (r) => r.val_accuracy_at_best },
  { header: "test_loss", value: (r) => r.test_loss },
  { header: "test_acc", value: (r) => r.test_accuracy },
  { header: "params", value: (r) => r.param_count },
  { header: "backend", value: (r) => r.backend },
];

/** `sweep results <sweep> [--format table|csv|json] [--db URL]`. */
export function register(program: Command): void {
  withDatabaseOption(
    program
      .command("results")
      .description(
        "Rank a sweep's trials by its metric (default: best val_loss), with the epoch of the best and where overfitting began.",
      )
      .argument("<sweep>", "sweep id, unique id prefix, or name")
      .option("--format <format>", "table, csv or json", "table"),
  ).action(async (sweepRef: string, options: { db?: string; format: string }) => {
    const format = parseOutputFormat(options.format);
    const rows = await withDatabase(options, async (db) => trialRanking(db, (await getSweep(db, sweepRef)).id));
    const table = format === "table";
    process.stdout.write(formatRows(rows, table ? withMetric(TABLE_COLUMNS, rows) : DATA_COLUMNS, format));
  });
}
