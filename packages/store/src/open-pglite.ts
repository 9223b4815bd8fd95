import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { isUsageError } from "@sweep/core";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import type { SweepDatabase } from "./database.js";
import { DatabaseUnavailableError, describeDriverError } from "./errors.js";
import { MIGRATIONS_FOLDER, requireCurrentSchema } from "./migrations.js";
import { openPostgres } from "./open-postgres.js";
import type { SqlStatement } from "./sql.js";
import { acquireStoreLock, liveStoreHolder, servingStoreHolder, storeInUse } from "./store-lock.js";
import { SOCKET_FILE, serveStoreSocket } from "./store-socket.js";
import { checkEmbeddedStore, type OpenMode } from "./store-state.js";
import { pgliteDataDir } from "./target.js";

/** Stores open in this process, shared by every handle on the same directory. */
const openStores = new Map<string, { handles: number; store: Promise<SweepDatabase> }>();

/**
 * Opens the embedded store at `<embeddedDir>/pgdata` as `mode` allows (`store-state.ts`:
 * read without migrating, migrate, or create where nothing is). Handles on one
 * directory within a process share one PGlite instance (closed with the last handle;
 * the first opener's mode applies). A process that opens it to write serves it on a
 * local socket (`store-socket.ts`) while it holds it; a reader finds that socket in the
 * lock file and reads through it; another writer is refused (`store-lock.ts`).
 */
export async function openPglite(embeddedDir: string, mode: OpenMode): Promise<SweepDatabase> {
  const key = path.resolve(embeddedDir);
  const holder = mode === "read" && !openStores.has(key) ? await servingStoreHolder(key) : null;
  if (holder?.socket) return openServedStore(holder.socket, embeddedDir);
  if (holder) {
    throw new DatabaseUnavailableError(
      `the embedded store ${embeddedDir} is still being opened by process ${holder.pid} after 30 s: try again in a moment`,
    );
  }
  let entry = openStores.get(key);
  if (entry === undefined) {
    await checkStoreOrHolder(embeddedDir, key, mode);
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

/**
 * `checkEmbeddedStore`, but a store that looks absent or damaged while another live
 * process holds its lock is that process's: it is creating it (pgdata is empty for a
 * while), so the refusal names the process instead.
 */
async function checkStoreOrHolder(embeddedDir: string, key: string, mode: OpenMode): Promise<void> {
  try {
    checkEmbeddedStore(key, mode);
  } catch (error) {
    const holder = await liveStoreHolder(key);
    if (holder) throw storeInUse(embeddedDir, holder);
    throw error;
  }
}

async function openStore(embeddedDir: string, mode: OpenMode): Promise<SweepDatabase> {
  if (mode === "create") await mkdir(embeddedDir, { recursive: true });
  const lock = await acquireStoreLock(embeddedDir);
  let client: PGlite | undefined;
  try {
    client = await PGlite.create(pgliteDataDir(embeddedDir));
    if (mode === "read") {
      const store = handleOver(client, lock.release);
      await requireCurrentSchema(store, `the embedded store ${embeddedDir}`);
      return store;
    }
    await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
    const socket = await serveStoreSocket(client);
    await lock.recordSocket(socket.dir);
    return handleOver(client, async () => {
      await socket.close();
      await lock.release();
    });
  } catch (error) {
    await client?.close().catch(() => {});
    await lock.release();
    if (isUsageError(error)) throw error;
    throw new DatabaseUnavailableError(`cannot open the embedded store ${embeddedDir}: ${describeDriverError(error)}`);
  }
}

/** The URL to give postgres.js, with `path` the socket, for a served store. */
export const SERVED_STORE_URL = "postgres://postgres@localhost/postgres";

/** The socket file another live process serves `embeddedDir` on, or null. */
export async function servedStoreSocket(embeddedDir: string): Promise<string | null> {
  const socket = (await liveStoreHolder(path.resolve(embeddedDir)))?.socket;
  return socket ? path.join(socket, SOCKET_FILE) : null;
}

/** The store another process holds, read through the socket it serves it on. */
async function openServedStore(socketDir: string, embeddedDir: string): Promise<SweepDatabase> {
  try {
    return await openPostgres(SERVED_STORE_URL, "read", path.join(socketDir, SOCKET_FILE));
  } catch (error) {
    if (isUsageError(error)) throw error;
    throw new DatabaseUnavailableError(
      `cannot read the embedded store ${embeddedDir} through the socket its holder serves (${socketDir}): ${describeDriverError(error)}`,
    );
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
      const result = await client.query<unknown[]>(sql, [], { rowMode: "array" });
      return { columns: result.fields.map((field) => field.name), rows: result.rows };
    },
    close: async () => {
      await client.close();
      await releaseLock();
    },
  };
}
