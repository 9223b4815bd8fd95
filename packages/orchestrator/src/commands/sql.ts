import { openDatabase, resolveDatabaseTarget, SERVED_STORE_URL, servedStoreSocket } from "@sweep/store";
import type { Command } from "commander";
import { parseOutputFormat } from "../output/format-rows.js";
import { RowWriter } from "../output/row-writer.js";
import { runEmbeddedQuery } from "../sql/embedded-query.js";
import {
  DEFAULT_ROW_LIMIT,
  DEFAULT_TIMEOUT_S,
  parseRowLimit,
  parseTimeout,
  type QueryLimits,
} from "../sql/query-limits.js";
import { checkReadingStatement } from "../sql/reading-statement.js";
import { runServerQuery } from "../sql/server-query.js";
import { withDatabaseOption } from "./database-option.js";
import { onShutdownSignals } from "./shutdown-signals.js";

interface SqlOptions {
  db?: string;
  format: string;
  limit: string;
  timeout: string;
}

/** Exit status after Ctrl-C: the statement was stopped. */
const INTERRUPTED = 130;

/** `sweep sql "<query>" [--format table|csv|json] [--limit N|all] [--timeout S] [--db URL]` (docs/sql.md). */
export function register(program: Command): void {
  withDatabaseOption(
    program
      .command("sql")
      .description(
        "Run one reading SQL statement (tables sweeps, trials, epochs, workers; views trial_ranking, epoch_curves) as the read-only role sweep_reader.",
      )
      .argument("<query>", "one SELECT, VALUES, TABLE, WITH … SELECT or EXPLAIN statement; anything else is refused")
      .option("--format <format>", "table, csv or json (csv and json stream any number of rows)", "table")
      .option(
        "--limit <rows>",
        "print at most this many rows (a line on stderr says when it cuts), or all",
        String(DEFAULT_ROW_LIMIT),
      )
      .option(
        "--timeout <seconds>",
        "stop the statement (and any lock wait) after this long",
        String(DEFAULT_TIMEOUT_S),
      )
      .addHelpText(
        "after",
        '\nExample:\n  sweep sql "SELECT rank, trial_name, best_val_loss, overfit_epoch FROM trial_ranking"',
      ),
  ).action(async (query: string, options: SqlOptions) => {
    const format = parseOutputFormat(options.format);
    const limits: QueryLimits = { maxRows: parseRowLimit(options.limit), timeoutMs: parseTimeout(options.timeout) };
    const target = resolveDatabaseTarget(options);
    const statement = await checkReadingStatement(query);
    const writer = new RowWriter(format);
    const sink = {
      columns: (names: string[]) => writer.start(names),
      rows: (rows: unknown[][]) => writer.write(rows),
    };
    const interrupt = new AbortController();
    const removeHandlers = onShutdownSignals(() => interrupt.abort());
    try {
      let outcome: { rows: number; cut: boolean };
      if ("url" in target) {
        // Opened for reading first: an unreachable or outdated database is one line, nothing changed.
        await (await openDatabase(target, "read")).close();
        outcome = await runServerQuery(target.url, statement, limits, sink, interrupt.signal);
      } else if (await servedStoreSocket(target.embeddedDir)) {
        // Another process (a `sweep run`) holds the store and serves it: read through its socket.
        const socket = (await servedStoreSocket(target.embeddedDir)) as string;
        outcome = await runServerQuery(SERVED_STORE_URL, statement, limits, sink, interrupt.signal, socket);
      } else {
        outcome = await runEmbeddedQuery(target.embeddedDir, statement, limits, sink, interrupt.signal);
      }
      writer.end();
      if (outcome.cut) {
        process.stderr.write(
          `sweep sql: printed the first ${outcome.rows} rows; more were left out (--limit <rows> or --limit all to print them)\n`,
        );
      }
    } catch (error) {
      if (interrupt.signal.aborted) process.exit(INTERRUPTED);
      throw error;
    } finally {
      removeHandlers();
    }
  });
}
