import { defineConfig } from "drizzle-kit";

/**
 * Migrations are generated from core's drizzle schema into ./drizzle (committed and
 * shipped with the package; `openDatabase` applies them). Regenerate after a schema
 * change with `npm run db:generate -w packages/orchestrator`.
 */
export default defineConfig({
  dialect: "postgresql",
  schema: "../core/src/db-schema.ts",
  out: "./drizzle",
});
