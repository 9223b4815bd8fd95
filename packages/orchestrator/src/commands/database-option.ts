import { existsSync } from "node:fs";
import { UsageError } from "@sweep/core";
import type { Command } from "commander";
import { openDatabase, pgliteDataDir, resolveDatabaseTarget, type SweepDatabase } from "../db/index.js";

/** Adds the `--db` option every database-reading command shares. */
export function withDatabaseOption(command: Command): Command {
  return command.option(
    "--db <url>",
    "postgres:// URL or embedded store directory (default: $DATABASE_URL, else ./.sweep)",
  );
}

/**
 * Opens the database `--db` (or DATABASE_URL, or ./.sweep) names, runs `use`, and closes
 * it. An embedded store that does not exist yet is created only with `create`: a command
 * that reads results refuses at once instead of making an empty store in the wrong place.
 */
export async function withDatabase<T>(
  options: { db?: string },
  use: (db: SweepDatabase) => Promise<T>,
  { create = false } = {},
): Promise<T> {
  const target = resolveDatabaseTarget(options);
  if (!create && "embeddedDir" in target && !existsSync(pgliteDataDir(target.embeddedDir))) {
    throw new UsageError(
      `no sweep database at ${target.embeddedDir}: \`sweep run <config>\` creates one there, or name another with --db or DATABASE_URL`,
      "--db",
    );
  }
  const database = await openDatabase(target);
  try {
    return await use(database);
  } finally {
    await database.close();
  }
}
