import { isUsageError } from "@sweep/core";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import type { Queryable, SweepDatabase } from "./database.js";
import { DatabaseUnavailableError, describeDriverError } from "./errors.js";
import { MIGRATION_LOCK_KEY, MIGRATIONS_FOLDER, requireCurrentSchema } from "./migrations.js";
import { type SqlStatement, sql as statement } from "./sql.js";
import type { OpenMode } from "./store-state.js";
import { describeServer, redactPassword } from "./target.js";

/** Connections per handle: small, machines have few cores. */
const POOL_SIZE = 6;
const CONNECT_TIMEOUT_S = 10;

const CONNECTION_OPTIONS = { onnotice: () => {}, connect_timeout: CONNECT_TIMEOUT_S } as const;

/**
 * Connects to a Postgres server and returns the handle: migrated first (one process at
 * a time), or for `read`, only checked to be current (a read-only role can read).
 */
export async function openPostgres(url: string, mode: OpenMode, socketPath?: string): Promise<SweepDatabase> {
  // Over a served embedded store (store-socket.ts) sessions are reset between uses: no prepared statements.
  const socket = socketPath ? { path: socketPath, prepare: false } : {};
  await prepareServer(url, mode, socket);
  const sql = postgres(url, { ...CONNECTION_OPTIONS, ...socket, max: POOL_SIZE });
  return {
    kind: "postgres",
    ...queryable(sql),
    transaction: async (work) => (await sql.begin((tx) => work(queryable(tx)))) as Awaited<ReturnType<typeof work>>,
    queryWithColumns: async (text) => {
      const result = await sql.unsafe(text, [], { prepare: false }).values();
      return { columns: result.columns?.map((column) => column.name) ?? [], rows: [...result] };
    },
    close: async () => {
      await sql.end({ timeout: 5 });
    },
  };
}

function queryable(client: postgres.Sql | postgres.TransactionSql): Queryable {
  return {
    query: async <Row extends Record<string, unknown>>({ text, values }: SqlStatement) =>
      (await client.unsafe(text, values as postgres.ParameterOrJSON<never>[])) as unknown as Row[],
  };
}

/** Applies the shipped migrations over one connection holding an advisory lock, or (`read`) checks them. */
async function prepareServer(url: string, mode: OpenMode, socket: { path?: string }): Promise<void> {
  const sql = postgres(url, { ...CONNECTION_OPTIONS, ...socket, max: 1 });
  try {
    if (mode === "read") {
      await requireCurrentSchema(queryable(sql), `Postgres at ${describeServer(url)}`);
      return;
    }
    const session = queryable(sql);
    await session.query(statement`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    await migrate(drizzle({ client: sql }), { migrationsFolder: MIGRATIONS_FOLDER });
    await session.query(statement`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
  } catch (error) {
    if (isUsageError(error)) throw error;
    const reason = redactPassword(describeDriverError(error), url);
    throw new DatabaseUnavailableError(`cannot open Postgres at ${describeServer(url)}: ${reason}`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
