import { parentPort, workerData } from "node:worker_threads";
import { openPglite, sql } from "@sweep/store";
import type { EmbeddedQueryRequest, FromThread, ToThread } from "./embedded-query.js";
import { RowBudget } from "./query-limits.js";
import { enterReaderSession } from "./reader-session.js";

/**
 * The thread that runs a `sweep sql` statement on the embedded store. PGlite runs a
 * query synchronously and ignores statement_timeout, so the main thread bounds it by
 * terminating this one. Opens the store for reading (no migration), then sends the
 * columns and one page per `next` request, read from a cursor in a READ ONLY
 * transaction as the reader role.
 */
const port = parentPort;
if (port === null) throw new Error("embedded-query-thread runs as a worker thread");
const send = (message: FromThread) => port.postMessage(message);
const waiting: Array<(message: ToThread) => void> = [];
port.on("message", (message: ToThread) => waiting.shift()?.(message));
const nextRequest = () => new Promise<ToThread>((resolve) => waiting.push(resolve));

async function answer({ embeddedDir, statement, limits }: EmbeddedQueryRequest): Promise<void> {
  const db = await openPglite(embeddedDir, "read");
  let role: string | undefined;
  try {
    send({ type: "opened" });
    await db.query(sql`BEGIN READ ONLY`);
    role = await enterReaderSession(
      async (text) => {
        const { columns, rows } = await db.queryWithColumns(text);
        return rows.map((row) => Object.fromEntries(columns.map((name, i) => [name, row[i]])));
      },
      limits.timeoutMs,
      `the embedded store ${embeddedDir}`,
    );
    const budget = new RowBudget(limits.maxRows);
    if (statement.kind === "explain") {
      const { columns, rows } = await db.queryWithColumns(statement.text);
      send({ type: "columns", names: columns });
      send({ type: "rows", rows: budget.take(rows), last: true, cut: budget.cut });
    } else {
      await db.queryWithColumns(`DECLARE sweep_sql NO SCROLL CURSOR FOR ${statement.text}\n`);
      let page = await db.queryWithColumns(`FETCH ${budget.batchRows()} FROM sweep_sql`);
      send({ type: "columns", names: page.columns });
      for (;;) {
        const rows = budget.take(page.rows);
        const last = budget.cut || page.rows.length < budget.batchRows();
        send({ type: "rows", rows, last, cut: budget.cut });
        if (last || (await nextRequest()).type === "stop") break;
        page = await db.queryWithColumns(`FETCH ${budget.batchRows()} FROM sweep_sql`);
      }
    }
    await db.query(sql`COMMIT`);
  } catch (error) {
    await db.query(sql`ROLLBACK`).catch(() => {});
    const { name, message, code } = error as { name?: string; message?: string; code?: string };
    send({ type: "failed", error: { name: String(name), message: String(message ?? error), code }, role });
  } finally {
    await db.close();
  }
}

answer(workerData as EmbeddedQueryRequest)
  .catch((error: unknown) => {
    const { name, message, code } = error as { name?: string; message?: string; code?: string };
    send({ type: "failed", error: { name: String(name), message: String(message ?? error), code } });
  })
  // The listening port keeps the thread alive; closing it lets the thread end.
  .finally(() => port.close());
