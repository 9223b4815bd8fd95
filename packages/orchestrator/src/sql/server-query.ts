import { describeServer } from "@sweep/store";
import postgres from "postgres";
import { type QueryLimits, RowBudget } from "./query-limits.js";
import { enterReaderSession, explainQueryError } from "./reader-session.js";
import type { ReadingStatement } from "./reading-statement.js";
import type { ReadingOutcome, RowSink } from "./row-sink.js";

const CONNECT_TIMEOUT_S = 10;

/**
 * Runs a checked statement on a server: its own connection, a READ ONLY transaction
 * under `enterReaderSession`, rows through a cursor (bounded memory whatever the
 * result's size). `signal` (Ctrl-C) cancels the statement on the server before the
 * connection closes, so nothing keeps running there. `socketPath`: an embedded store
 * another process serves (the store's `servedStoreSocket`), reached at that socket.
 */
export async function runServerQuery(
  url: string,
  statement: ReadingStatement,
  limits: QueryLimits,
  sink: RowSink,
  signal: AbortSignal,
  socketPath?: string,
): Promise<ReadingOutcome> {
  const socket = socketPath ? { path: socketPath, prepare: false } : {};
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: CONNECT_TIMEOUT_S, ...socket });
  let role: string | undefined;
  let running: { cancel(): unknown } | undefined;
  const cancel = () => running?.cancel();
  signal.addEventListener("abort", cancel);
  try {
    return (await sql.begin("read only", async (tx) => {
      role = await enterReaderSession(
        (text) => tx.unsafe(text),
        limits.timeoutMs,
        `Postgres at ${describeServer(url)}`,
      );
      const unprepared = () => {
        const query = tx.unsafe(statement.text, [], { prepare: false });
        running = query;
        return query;
      };
      const budget = new RowBudget(limits.maxRows);
      if (statement.kind === "explain") {
        const result = await unprepared().values();
        sink.columns(result.columns?.map((column) => column.name) ?? []);
        await sink.rows(budget.take([...result]));
        return { rows: budget.delivered, cut: budget.cut };
      }
      const described = await unprepared().describe();
      sink.columns(described.columns?.map((column) => column.name) ?? []);
      // Rows as arrays (values()): positional, so columns that share a name keep their own values.
      for await (const batch of unprepared().values().cursor(budget.batchRows())) {
        await sink.rows(budget.take(batch));
        if (budget.cut || signal.aborted) break;
      }
      return { rows: budget.delivered, cut: budget.cut };
    })) as ReadingOutcome;
  } catch (error) {
    return explainQueryError(error, limits.timeoutMs, role);
  } finally {
    signal.removeEventListener("abort", cancel);
    await sql.end({ timeout: 1 });
  }
}
