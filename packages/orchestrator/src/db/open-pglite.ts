import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import type { SweepDatabase, SweepDrizzle } from "./database.js";
import { DatabaseUnavailableError, describeDriverError } from "./errors.js";
import { MIGRATIONS_FOLDER } from "./migrations.js";

/** The PGlite data directory inside an embedded store. */
export function pgliteDataDir(embeddedDir: string): string {
  return path.join(embeddedDir, "pgdata");
}

/** Opens (creating if needed) the embedded store at `<embeddedDir>/pgdata` and migrates it. */
export async function openPglite(embeddedDir: string): Promise<SweepDatabase> {
  let client: PGlite;
  try {
    await mkdir(embeddedDir, { recursive: true });
    client = await PGlite.create(pgliteDataDir(embeddedDir));
  } catch (error) {
    throw new DatabaseUnavailableError(`cannot open the embedded store ${embeddedDir}: ${describeDriverError(error)}`);
  }
  const db = drizzle({ client });
  try {
    await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  } catch (error) {
    await client.close();
    throw new DatabaseUnavailableError(
      `cannot migrate the embedded store ${embeddedDir}: ${describeDriverError(error)}`,
    );
  }
  return {
    kind: "pglite",
    db: db as unknown as SweepDrizzle,
    query: async <Row extends Record<string, unknown>>(sql: string, params?: unknown[]) =>
      (await client.query<Row>(sql, params)).rows,
    readOnlyQuery: (sql) =>
      client.transaction(async (tx) => {
        await tx.query("SET TRANSACTION READ ONLY");
        const result = await tx.query<Record<string, unknown>>(sql);
        return { columns: result.fields.map((field) => field.name), rows: result.rows };
      }),
    close: () => client.close(),
  };
}
