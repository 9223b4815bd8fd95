import type { SqlStatement } from "./sql.js";

/** Runs statements: a database handle, or a transaction of one. */
export interface Queryable {
  /** One statement built with the `sql` tag; rows as objects keyed by column name. */
  query<Row extends Record<string, unknown> = Record<string, unknown>>(statement: SqlStatement): Promise<Row[]>;
}

/**
 * The result of `queryWithColumns`: column names in select order, and each row's
 * values in the same order. Positional, as SQL's columns are: two columns may share a
 * name (`SELECT 1 AS a, 2 AS a`), and each keeps its own value.
 */
export interface QueryResult {
  columns: string[];
  rows: unknown[][];
}

/**
 * An open, migrated sweep database: server Postgres (postgres.js) or embedded PGlite.
 * Every handle must be closed.
 */
export interface SweepDatabase extends Queryable {
  kind: "postgres" | "pglite";
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * A statement given as text without parameters, with its column names even when no
   * row comes back: for `sweep sql`, which runs the user's statements, never for the
   * store's own.
   */
  queryWithColumns(text: string): Promise<QueryResult>;
  close(): Promise<void>;
}
