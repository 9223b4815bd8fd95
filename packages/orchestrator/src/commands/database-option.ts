import { type OpenMode, openDatabase, resolveDatabaseTarget, type SweepDatabase } from "@sweep/store";
import type { Command } from "commander";

/** Adds the `--db` option every database-reading command shares. */
export function withDatabaseOption(command: Command): Command {
  return command.option(
    "--db <url>",
    "postgres:// URL or embedded store directory (default: $DATABASE_URL, else ./.sweep)",
  );
}

/**
 * Opens the database `--db` (or DATABASE_URL, or ./.sweep) names, runs `use`, and closes
 * it. `mode` (default `read`: no migration, nothing created) is the most the command
 * may change: reading commands refuse a missing, damaged or outdated store at once
 * instead of making or changing one.
 */
export async function withDatabase<T>(
  options: { db?: string },
  use: (db: SweepDatabase) => Promise<T>,
  mode: OpenMode = "read",
): Promise<T> {
  const database = await openDatabase(resolveDatabaseTarget(options), mode);
  try {
    return await use(database);
  } finally {
    await database.close();
  }
}
