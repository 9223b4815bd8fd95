import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { isUsageError } from "@sweep/core";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import type { SweepDatabase, SweepDrizzle } from "./database.js";
import { DatabaseUnavailableError, describeDriverError } from "./errors.js";
import { LATEST_APPLIED_MIGRATION, MIGRATIONS_FOLDER, requireCurrentSchema } from "./migrations.js";
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
    const db = drizzle({ client });
    if (mode === "read") {
      const opened = client;
      await requireCurrentSchema(
        async () => (await opened.query<{ latest: string | null }>(LATEST_APPLIED_MIGRATION)).rows[0]?.latest ?? null,
        `the embedded store ${embeddedDir}`,
      );
    } else {
      await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    }
    return handleOver(client, db as unknown as SweepDrizzle, lock.release);
  } catch (error) {
    await client?.close().catch(() => {});
    await lock.release();
    if (isUsageError(error)) throw error;
    throw new DatabaseUnavailableError(`cannot open the embedded store ${embeddedDir}: ${describeDriverError(error)}`);
  }
}

function handleOver(client: PGlite, db: SweepDrizzle, releaseLock: () => Promise<void>): SweepDatabase {
  return {
    kind: "pglite",
    db,
    query: async <Row extends Record<string, unknown>>(sql: string, params?: unknown[]) =>
      (await client.query<Row>(sql, params)).rows,
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
