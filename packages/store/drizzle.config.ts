import { defineConfig } from "drizzle-kit";

/**
 * Migrations are generated from the drizzle schema into ./drizzle (committed and
 * shipped with the package; `openDatabase` applies them). Regenerate after a schema
 * change with `npm run db:generate -w packages/store`.
 */
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/schema.ts",
  out: "./drizzle",
});
