import { describeTarget, resolveDatabaseTarget, shippedMigrations } from "@sweep/store";
import type { Command } from "commander";
import { withDatabase, withDatabaseOption } from "./database-option.js";

/** `sweep db migrate [--db URL]`. */
export function register(program: Command): void {
  const db = program.command("db").description("Manage the sweep database.");
  withDatabaseOption(
    db
      .command("migrate")
      .description(
        "Create or upgrade the sweep tables, views and the read-only role sweep_reader (sweep run, launch and serve also do this; reading commands never do).",
      ),
  ).action(async (options: { db?: string }) => {
    await withDatabase(options, async () => {}, "create");
    const migrations = shippedMigrations();
    const latest = migrations.at(-1)?.tag ?? "none";
    const target = describeTarget(resolveDatabaseTarget(options));
    process.stdout.write(`${target}: schema up to date (${migrations.length} migrations, latest ${latest})\n`);
  });
}
