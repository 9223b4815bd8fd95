import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { dbSchema } from "@sweep/core";
import { getTableConfig, type PgTable } from "drizzle-orm/pg-core";
import postgres from "postgres";
import type { SqlReader } from "./sql-reader.js";

/**
 * STAND-IN for the storage layer (`../db/index.ts`: `resolveDatabaseTarget`,
 * `openDatabase`, migrations, the `trial_ranking` view), which had not landed when
 * the dashboard was written. Same names and shapes, so the integrator swaps the
 * imports of this file for `../db/index.js` and deletes it. It never creates
 * tables in a database it is pointed at; `createSchemaForTests` builds the schema
 * (from core's drizzle tables) only in the throwaway PGlite stores of tests and
 * the benchmark.
 */
export type DatabaseTarget = { kind: "postgres"; url: string } | { kind: "pglite"; dataDir: string };

/** `--db`, else DATABASE_URL, else the embedded store `./.sweep/db`. */
export function resolveDatabaseTarget(options: { db?: string }): DatabaseTarget {
  const target = options.db ?? process.env.DATABASE_URL ?? path.join(".sweep", "db");
  return /^postgres(ql)?:\/\//.test(target) ? { kind: "postgres", url: target } : { kind: "pglite", dataDir: target };
}

export interface SweepDatabase extends SqlReader {
  close(): Promise<void>;
}

export async function openDatabase(target: DatabaseTarget): Promise<SweepDatabase> {
  if (target.kind === "pglite") {
    const pglite = await PGlite.create(target.dataDir);
    return {
      query: async <Row>(sql: string, params?: unknown[]) => (await pglite.query<Row>(sql, params)).rows,
      close: () => pglite.close(),
    };
  }
  const sql = postgres(target.url, { max: 2, onnotice: () => {}, connect_timeout: 5 });
  return {
    query: async <Row>(text: string, params?: unknown[]) =>
      (await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[])) as unknown as Row[],
    close: () => sql.end({ timeout: 2 }),
  };
}

/** Creates core's tables and a `trial_ranking` view in a fresh test database. */
export async function createSchemaForTests(db: SqlReader): Promise<void> {
  const tables: PgTable[] = [dbSchema.sweeps, dbSchema.trials, dbSchema.epochs, dbSchema.workers];
  for (const table of tables) {
    await db.query(createTableSql(table));
    for (const index of getTableConfig(table).indexes) {
      const columns = index.config.columns.map((c) => `"${(c as { name: string }).name}"`).join(", ");
      await db.query(`CREATE INDEX "${index.config.name}" ON "${getTableConfig(table).name}" (${columns})`);
    }
  }
  await db.query(
    `CREATE VIEW trial_ranking AS
     SELECT sweep_id, id AS trial_id, name,
            rank() OVER (PARTITION BY sweep_id ORDER BY best_val_loss, ordinal) AS rank,
            best_val_loss, best_epoch, overfit_epoch, test_accuracy
     FROM trials WHERE best_val_loss IS NOT NULL`,
  );
}

function createTableSql(table: PgTable): string {
  const config = getTableConfig(table);
  const columns = config.columns.map((column) => {
    const nullability = column.notNull ? " NOT NULL" : "";
    const primary = column.primary ? " PRIMARY KEY" : "";
    return `"${column.name}" ${column.getSQLType()}${nullability}${primary}${defaultSql(column.default)}`;
  });
  const keys = config.primaryKeys.map((key) => `PRIMARY KEY (${key.columns.map((c) => `"${c.name}"`).join(", ")})`);
  const references = config.foreignKeys.map((key) => {
    const reference = key.reference();
    const from = reference.columns.map((c) => `"${c.name}"`).join(", ");
    const to = reference.foreignColumns.map((c) => `"${c.name}"`).join(", ");
    return `FOREIGN KEY (${from}) REFERENCES "${getTableConfig(reference.foreignTable).name}" (${to}) ON DELETE CASCADE`;
  });
  return `CREATE TABLE "${config.name}" (${[...columns, ...keys, ...references].join(", ")})`;
}

/** Core's defaults are literals or `defaultNow()`. */
function defaultSql(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "number") return ` DEFAULT ${value}`;
  if (typeof value === "string") return ` DEFAULT '${value.replaceAll("'", "''")}'`;
  return " DEFAULT now()";
}
