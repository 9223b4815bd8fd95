import { fileURLToPath } from "node:url";

/**
 * The drizzle-kit migrations shipped with the package (`packages/orchestrator/drizzle`),
 * found from src/db/ and dist/db/ alike: both sit two levels under the package root.
 */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));

/** Serialises migrations of one server database across processes (`pg_advisory_lock` key). */
export const MIGRATION_LOCK_KEY = 7_302_185_411;
