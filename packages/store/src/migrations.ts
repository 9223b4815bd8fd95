import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "@sweep/core";
import type { Queryable } from "./database.js";
import { sql } from "./sql.js";

/**
 * The drizzle-kit migrations shipped with the package (`packages/store/drizzle`), found
 * from src/ and dist/ alike: both sit one level under the package root.
 */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../drizzle", import.meta.url));

/** Serialises migrations of one server database across processes (`pg_advisory_lock` key). */
export const MIGRATION_LOCK_KEY = 7_302_185_411;

/** One entry of drizzle's journal: a migration's tag and its timestamp (ms). */
export interface ShippedMigration {
  tag: string;
  when: number;
}

/** The shipped migrations, oldest first (drizzle's `meta/_journal.json`). */
export function shippedMigrations(): ShippedMigration[] {
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as {
    entries: ShippedMigration[];
  };
  return journal.entries;
}

/** SQLSTATEs of a missing migrations table (undefined table or schema) and of a role that may not read it. */
const UNDEFINED_TABLE = "42P01";
const UNDEFINED_SCHEMA = "3F000";
const INSUFFICIENT_PRIVILEGE = "42501";

/**
 * Refuses a database whose schema is behind the shipped migrations: a command that
 * only reads never migrates, so it says what to run instead. It reads drizzle's record
 * of applied migrations; a role that may not read that record is let through (its own
 * queries will say what fails).
 */
export async function requireCurrentSchema(db: Queryable, where: string): Promise<void> {
  let latest: string | null;
  try {
    latest = await latestAppliedMigration(db);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === INSUFFICIENT_PRIVILEGE) return;
    if (code !== UNDEFINED_TABLE && code !== UNDEFINED_SCHEMA) throw error;
    latest = null;
  }
  const shipped = shippedMigrations();
  const missing = shipped.filter((migration) => latest === null || migration.when > Number(latest));
  if (missing.length === 0) return;
  const state = latest === null ? "has no sweep tables" : `needs ${missing.length} newer migrations`;
  throw new UsageError(
    `${where} ${state}; reading commands never change a database: run \`sweep db migrate\` first`,
    "--db",
  );
}

/** The newest applied migration's timestamp (ms, as text), or null before any. */
async function latestAppliedMigration(db: Queryable): Promise<string | null> {
  const [row] = await db.query<{ latest: string | null }>(
    sql`SELECT max(created_at)::text AS latest FROM drizzle.__drizzle_migrations`,
  );
  return row?.latest ?? null;
}
