import { getSweep, trialRanking } from "@sweep/store";
import type { Command } from "commander";
import { parseOutputFormat } from "../output/format-rows.js";
import { rankingTable } from "../output/ranking-table.js";
import { withDatabase, withDatabaseOption } from "./database-option.js";
import { sweepArgument } from "./sweep-argument.js";

/** `sweep results <sweep> [--format table|csv|json] [--db URL]`. */
export function register(program: Command): void {
  withDatabaseOption(
    program
      .command("results")
      .description(
        "Rank a sweep's trials by its metric (default: best val_loss), with the epoch of the best and where overfitting began.",
      )
      .addArgument(sweepArgument())
      .option("--format <format>", "table, csv or json", "table"),
  ).action(async (sweepRef: string, options: { db?: string; format: string }) => {
    const format = parseOutputFormat(options.format);
    const rows = await withDatabase(options, async (db) => trialRanking(db, (await getSweep(db, sweepRef)).id));
    process.stdout.write(rankingTable(rows, format));
  });
}
