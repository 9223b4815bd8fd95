import type { SweepDatabase } from "./database.js";
import { openPglite } from "./open-pglite.js";
import { openPostgres } from "./open-postgres.js";
import type { DatabaseTarget } from "./target.js";

/**
 * Opens the sweep database (postgres.js for a URL, PGlite persisted under
 * `<embeddedDir>/pgdata` otherwise) and applies pending migrations. Fails with a
 * `DatabaseUnavailableError` naming host:port/database, never the password.
 */
export function openDatabase(target: DatabaseTarget): Promise<SweepDatabase> {
  return "url" in target ? openPostgres(target.url) : openPglite(target.embeddedDir);
}
