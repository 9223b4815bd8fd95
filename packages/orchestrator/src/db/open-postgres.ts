import { isUsageError } from "@sweep/core";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import type { SweepDatabase, SweepDrizzle } from "./database.js";
import { DatabaseUnavailableError, describeDriverError } from "./errors.js";
import { LATEST_APPLIED_MIGRATION, MIGRATION_LOCK_KEY, MIGRATIONS_FOLDER, requireCurrentSchema } from "./migrations.js";
import type { OpenMode } from "./store-state.js";
import { describeServer, redactPassword } from "./target.js";

/** Connections per client (a handle has two: drizzle's and raw SQL's); small, machines have few cores. */
const POOL_SIZE = 3;
const CONNECT_TIMEOUT_S = 10;

const CONNECTION_OPTIONS = { onnotice: () => {}, connect_timeout: CONNECT_TIMEOUT_S } as const;

/**
 * Connects to a Postgres server and returns the handle: migrated first (one process at
 * a time), or for `read`, only checked to be current (a read-only role can read).
 */
export async function openPostgres(url: string, mode: OpenMode): Promise<SweepDatabase> {
  await prepareServer(url, mode);
  // Drizzle replaces its client's date and json parsers with its own; raw queries get a pristine client.
  const drizzleClient = postgres(url, { ...CONNECTION_OPTIONS, max: POOL_SIZE });
  const sql = postgres(url, { ...CONNECTION_OPTIONS, max: POOL_SIZE });
  return {
    kind: "postgres",
    db: drizzle({ client: drizzleClient }) as unknown as SweepDrizzle,
    query: async <Row extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
      (await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[])) as unknown as Row[],
    queryWithColumns: async (text) => {
      const result = await sql.unsafe(text, [], { prepare: false });
      return { columns: result.columns?.map((column) => column.name) ?? [], rows: [...result] };
    },
    close: async () => {
      await Promise.all([drizzleClient.end({ timeout: 5 }), sql.end({ timeout: 5 })]);
    },
  };
}

/** Applies the shipped migrations over one connection holding an advisory lock, or (`read`) checks them. */
async function prepareServer(url: string, mode: OpenMode): Promise<void> {
  const sql = postgres(url, { ...CONNECTION_OPTIONS, max: 1 });
  try {
    if (mode === "read") {
      await requireCurrentSchema(
        async () => ((await sql.unsafe(LATEST_APPLIED_MIGRATION))[0]?.latest as string | null) ?? null,
        `Postgres at ${describeServer(url)}`,
      );
      return;
    }
    await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    await migrate(drizzle({ client: sql }), { migrationsFolder: MIGRATIONS_FOLDER });
    await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
  } catch (error) {
    if (isUsageError(error)) throw error;
    const reason = redactPassword(describeDriverError(error), url);
    throw new DatabaseUnavailableError(`cannot open Postgres at ${describeServer(url)}: ${reason}`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
