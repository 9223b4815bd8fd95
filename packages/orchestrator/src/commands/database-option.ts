import type { Command } from "commander";
import { openDatabase, resolveDatabaseTarget, type SweepDatabase } from "../db/index.js";

/** Adds the `--db` option every database-reading command shares. */
export function withDatabaseOption(command: Command): Command {
  return command.option(
    "--db <url>",
    "postgres:// URL or embedded store directory (default: $DATABASE_URL, else ./.sweep)",
  );
}

/** Opens the database `--db` (or DATABASE_URL, or ./.sweep) names, runs `use`, and closes it. */
export async function withDatabase<T>(options: { db?: string }, use: (db: SweepDatabase) => Promise<T>): Promise<T> {
  const database = await openDatabase(resolveDatabaseTarget(options));
  try {
    return await use(database);
  } finally {
    await database.close();
  }
}
