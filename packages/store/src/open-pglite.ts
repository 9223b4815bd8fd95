import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { isUsageError } from "@sweep/core";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import type { SweepDatabase } from "./database.js";
import { DatabaseUnavailableError, describeDriverError } from "./errors.js";
import { MIGRATIONS_FOLDER, requireCurrentSchema } from "./migrations.js";
import type { SqlStatement } from "./sql.js";
import { acquireStoreLock } from "./store-lock.js";
import { checkEmbeddedStore, type OpenMode } from "./store-state.js";
import { pgliteDataDir } from "./target.js";

/** Stores open in this process, shared by every handle on the same directory. */
const openStores = new Map<string, { handles: number; store: Promise<SweepDatabase> }>();

/**
 * Opens the embedded store at `<embeddedDir>/pgdata` as `mode` allows (`store-state.ts`:
 * read without migrating, migrate, or create where nothing is). Handles on one
 * directory within a process share one PGlite instance (closed with the last handle;
 * the first opener's mode applies); another process holding the store is refused
 * (`store-lock.ts`).
 */
export async function openPglite(embeddedDir: string, mode: OpenMode): Promise<SweepDatabase> {
  const key = path.resolve(embeddedDir);
  let entry = openStores.get(key);
  if (entry === undefined) {
    checkEmbeddedStore(key, mode);
    entry = { handles: 0, store: openStore(key, mode) };
    openStores.set(key, entry);
  }
  entry.handles += 1;
  const shared = entry;
  let store: SweepDatabase;
  try {
    store = await shared.store;
  } catch (error) {
    openStores.delete(key);
    throw error;
  }
  let closed = false;
  return {
    ...store,
    close: async () => {
      if (closed) return;
      closed = true;
      shared.handles -= 1;
      if (shared.handles > 0) return;
      openStores.delete(key);
      await store.close();
    },
  };
}

async function openStore(embeddedDir: string, mode: OpenMode): Promise<SweepDatabase> {
  if (mode === "create") await mkdir(embeddedDir, { recursive: true });
  const lock = await acquireStoreLock(embeddedDir);
  let client: PGlite | undefined;
  try {
    client = await PGlite.create(pgliteDataDir(embeddedDir));
    const store = handleOver(client, lock.release);
    if (mode === "read") await requireCurrentSchema(store, `the embedded store ${embeddedDir}`);
    else await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
    return store;
  } catch (error) {
    await client?.close().catch(() => {});
    await lock.release();
    if (isUsageError(error)) throw error;
    throw new DatabaseUnavailableError(`cannot open the embedded store ${embeddedDir}: ${describeDriverError(error)}`);
  }
}

function handleOver(client: PGlite, releaseLock: () => Promise<void>): SweepDatabase {
  return {
    kind: "pglite",
    query: async <Row extends Record<string, unknown>>(statement: SqlStatement) =>
      (await client.query<Row>(statement.text, [...statement.values])).rows,
    transaction: (work) =>
      client.transaction((tx) =>
        work({
          query: async <Row extends Record<string, unknown>>(statement: SqlStatement) =>
            (await tx.query<Row>(statement.text, [...statement.values])).rows,
        }),
      ),
    queryWithColumns: async (sql) => {
      const result = await client.query<Record<string, unknown>>(sql);
      return { columns: result.fields.map((field) => field.name), rows: result.rows };
    },
    close: async () => {
      await client.close();
      await releaseLock();
    },
  };
}
