import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";

/** Drizzle over either driver; the store functions use only what both share. */
export type SweepDrizzle = PgDatabase<PgQueryResultHKT>;

/** A transaction of `SweepDrizzle`. */
export type SweepTransaction = Parameters<Parameters<SweepDrizzle["transaction"]>[0]>[0];

/** The result of `queryWithColumns`: column names in select order, and the rows. */
export interface QueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
}

/**
 * An open, migrated sweep database: server Postgres (postgres.js) or embedded PGlite.
 * Every handle must be closed.
 */
export interface SweepDatabase {
  kind: "postgres" | "pglite";
  db: SweepDrizzle;
  /** One parameterised statement ($1, $2, ...); rows as objects keyed by column name. */
  query<Row extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** One statement without parameters, with its column names even when no row comes back. */
  queryWithColumns(sql: string): Promise<QueryResult>;
  close(): Promise<void>;
}
