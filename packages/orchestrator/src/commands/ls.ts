import { listSweeps, type SweepSummary } from "@sweep/store";
import type { Command } from "commander";
import { type Column, formatRows, parseOutputFormat } from "../output/format-rows.js";
import { withDatabase, withDatabaseOption } from "./database-option.js";

const COLUMNS: Column<SweepSummary>[] = [
  { header: "id", value: (s) => s.id },
  { header: "name", value: (s) => s.name },
  { header: "status", value: (s) => s.status },
  { header: "trials", value: (s) => s.trials },
  { header: "finished", value: (s) => s.completed + s.failed + s.pruned + s.cancelled },
  { header: "running", value: (s) => s.running },
  { header: "best_trial", value: (s) => s.best_trial },
  { header: "best_val_loss", value: (s) => s.best_val_loss },
  { header: "created", value: (s) => s.created_at },
];

/** `sweep ls [--db URL] [--format]`. */
export function register(program: Command): void {
  withDatabaseOption(
    program
      .command("ls")
      .description("List the sweeps in the database, newest first, with progress and best val_loss.")
      .option("--format <format>", "table, csv or json", "table"),
  ).action(async (options: { db?: string; format: string }) => {
    const format = parseOutputFormat(options.format);
    const sweeps = await withDatabase(options, listSweeps);
    if (sweeps.length === 0 && format === "table") process.stdout.write("no sweeps yet (start one with `sweep run`)\n");
    else process.stdout.write(formatRows(sweeps, COLUMNS, format));
  });
}
