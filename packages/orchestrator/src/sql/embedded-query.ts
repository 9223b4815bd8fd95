import { Worker } from "node:worker_threads";
import { UsageError } from "@sweep/core";
import { releaseStoreLockOf } from "@sweep/store";
import type { QueryLimits } from "./query-limits.js";
import { explainQueryError } from "./reader-session.js";
import type { ReadingStatement } from "./reading-statement.js";
import type { ReadingOutcome, RowSink } from "./row-sink.js";

/** What the main thread asks of `embedded-query-thread.ts`. */
export interface EmbeddedQueryRequest {
  embeddedDir: string;
  statement: ReadingStatement;
  limits: QueryLimits;
}

/** Messages from the query thread: the store is open, the columns, a page of rows, or a failure. */
export type FromThread =
  | { type: "opened" }
  | { type: "columns"; names: string[] }
  | { type: "rows"; rows: unknown[][]; last: boolean; cut: boolean }
  | { type: "failed"; error: { name: string; message: string; code?: string }; role?: string };

/** To the query thread: the next page, or stop reading. */
export type ToThread = { type: "next" } | { type: "stop" };

/** Built beside this file's compiled form; src/ and dist/ both sit one level under the package root. */
const THREAD_ENTRY = new URL("../../dist/sql/embedded-query-thread.js", import.meta.url);

/**
 * Runs a checked statement on the embedded store in a thread of its own: rows come a
 * page at a time (bounded memory), and when `--timeout` passes after the store is
 * open, or `signal` fires (Ctrl-C), the thread is terminated mid-query, which is the
 * only way to stop PGlite, and the store's lock file is removed.
 */
export function runEmbeddedQuery(
  embeddedDir: string,
  statement: ReadingStatement,
  limits: QueryLimits,
  sink: RowSink,
  signal: AbortSignal,
): Promise<ReadingOutcome> {
  const request: EmbeddedQueryRequest = { embeddedDir, statement, limits };
  const thread = new Worker(THREAD_ENTRY, { workerData: request });
  return new Promise<ReadingOutcome>((resolve, reject) => {
    let delivered = 0;
    let deadline: NodeJS.Timeout | undefined;
    let answer: { outcome: ReadingOutcome } | { error: Error; killed?: boolean } | undefined;
    /** Ends the thread mid-query; its lock file stays behind and is removed once it has exited. */
    const kill = (error: Error) => {
      answer ??= { error, killed: true };
      void thread.terminate();
    };
    const interrupt = () => kill(new UsageError("<query>: interrupted; the query was stopped", "<query>"));
    signal.addEventListener("abort", interrupt);
    thread.once("exit", () => {
      clearTimeout(deadline);
      signal.removeEventListener("abort", interrupt);
      if (answer === undefined) reject(new Error("the embedded store's query thread ended without an answer"));
      else if ("outcome" in answer) resolve(answer.outcome);
      else {
        if (answer.killed) releaseStoreLockOf(embeddedDir);
        reject(answer.error);
      }
    });
    thread.on("error", kill);
    thread.on("message", (message: FromThread) => {
      if (message.type === "opened") {
        const seconds = limits.timeoutMs / 1000;
        const timedOut = new UsageError(`<query>: ran longer than --timeout ${seconds} s and was stopped`, "<query>");
        deadline = setTimeout(() => kill(timedOut), limits.timeoutMs);
      } else if (message.type === "columns") {
        sink.columns(message.names);
      } else if (message.type === "rows") {
        sink.rows(message.rows).then(() => {
          delivered += message.rows.length;
          if (!message.last) thread.postMessage({ type: "next" } satisfies ToThread);
          else answer ??= { outcome: { rows: delivered, cut: message.cut } };
        }, kill);
      } else {
        const failure = Object.assign(new Error(message.error.message), message.error);
        try {
          explainQueryError(failure, limits.timeoutMs, message.role);
        } catch (error) {
          answer ??= { error: error as Error };
        }
      }
    });
  });
}
