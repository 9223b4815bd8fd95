import type { SweepDatabase } from "./database.js";
import { openPglite } from "./open-pglite.js";
import { openPostgres } from "./open-postgres.js";
import type { OpenMode } from "./store-state.js";
import type { DatabaseTarget } from "./target.js";

/**
 * Opens the sweep database (postgres.js for a URL, PGlite persisted under
 * `<embeddedDir>/pgdata` otherwise) as `mode` allows: `read` runs no migration,
 * `write` applies pending ones, `create` also creates an embedded store where nothing
 * is (`store-state.ts`). Fails with a `DatabaseUnavailableError` naming
 * host:port/database, never the password, or a `UsageError` saying what to run.
 */
export function openDatabase(target: DatabaseTarget, mode: OpenMode = "create"): Promise<SweepDatabase> {
  return "url" in target ? openPostgres(target.url, mode) : openPglite(target.embeddedDir, mode);
}
