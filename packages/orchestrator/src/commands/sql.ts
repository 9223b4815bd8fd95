import { UsageError } from "@sweep/core";
import type { Command } from "commander";
import { columnsOf, formatRows, parseOutputFormat } from "../output/format-rows.js";
import { withDatabase, withDatabaseOption } from "./database-option.js";

/** SQLSTATE of a write attempted in a read-only transaction. */
const READ_ONLY_VIOLATION = "25006";

/** `sweep sql "<query>" [--format table|csv|json] [--db URL]`. */
export function register(program: Command): void {
  withDatabaseOption(
    program
      .command("sql")
      .description(
        "Run one read-only SQL query (tables sweeps, trials, epochs, workers; views trial_ranking, epoch_curves).",
      )
      .argument("<query>", "one SQL statement; writes are refused")
      .option("--format <format>", "table, csv or json", "table")
      .addHelpText(
        "after",
        '\nExample:\n  sweep sql "SELECT rank, trial_name, best_val_loss, overfit_epoch FROM trial_ranking"',
      ),
  ).action(async (query: string, options: { db?: string; format: string }) => {
    const format = parseOutputFormat(options.format);
    const result = await withDatabase(options, (db) => db.readOnlyQuery(query).catch(explainQueryError));
    process.stdout.write(formatRows(result.rows, columnsOf(result.columns), format));
  });
}

/** A query Postgres rejected is the user's to fix: one line naming the argument and the reason. */
function explainQueryError(error: unknown): never {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string" || !/^[0-9A-Z]{5}$/.test(code)) throw error;
  const reason = (error as Error).message.split("\n")[0];
  if (code === READ_ONLY_VIOLATION) {
    throw new UsageError(`<query>: sweep sql is read-only and refused the statement (${reason})`, "<query>");
  }
  throw new UsageError(`<query>: ${reason} (SQLSTATE ${code})`, "<query>");
}
