import { getSweep, sweepEpochTotals, trialRankingPage } from "@sweep/store";
import type { Command } from "commander";
import { parseOutputFormat } from "../output/format-rows.js";
import { rankingTable } from "../output/ranking-table.js";
import { parseCount } from "./count-option.js";
import { withDatabase, withDatabaseOption } from "./database-option.js";
import { sweepArgument } from "./sweep-argument.js";

/** Rows `sweep results` shows without --limit when stdout is not a terminal. */
const DEFAULT_LIMIT = 20;

/** `sweep results <sweep> [--limit N|all] [--offset N] [--format table|csv|json] [--db URL]`. */
export function register(program: Command): void {
  withDatabaseOption(
    program
      .command("results")
      .description(
        "Rank a sweep's trials by its metric (default: best val_loss), with the epoch of the best and where overfitting began.",
      )
      .addArgument(sweepArgument())
      .option("--limit <n>", "rows to show, or all (default: a screenful; 20 when not a terminal)")
      .option("--offset <n>", "rows to skip first", "0")
      .option("--format <format>", "table, csv or json", "table"),
  ).action(async (sweepRef: string, options: { db?: string; format: string; limit?: string; offset: string }) => {
    const format = parseOutputFormat(options.format);
    const limit = parseLimit(options.limit);
    const offset = parseCount(options.offset, "--offset");
    const { rows, trials } = await withDatabase(options, async (db) => {
      const sweep = await getSweep(db, sweepRef);
      return {
        rows: await trialRankingPage(db, sweep.id, { offset, limit }),
        trials: (await sweepEpochTotals(db, sweep.id)).trials,
      };
    });
    process.stdout.write(rankingTable(rows, format));
    const more = trials - offset - rows.length;
    if (more > 0) {
      process.stderr.write(
        `${more} more trials: --offset ${offset + rows.length} for the next ones, --limit all for every one\n`,
      );
    }
  });
}

/** --limit: a whole number from 1, or `all` (null); absent: a screenful of the terminal. */
function parseLimit(text: string | undefined): number | null {
  if (text === undefined) return process.stdout.isTTY ? Math.max(5, (process.stdout.rows || 24) - 4) : DEFAULT_LIMIT;
  return text === "all" ? null : parseCount(text, "--limit", 1);
}
