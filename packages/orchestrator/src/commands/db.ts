import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { describeTarget, MIGRATIONS_FOLDER, resolveDatabaseTarget } from "../db/index.js";
import { withDatabase, withDatabaseOption } from "./database-option.js";

/** `sweep db migrate [--db URL]`. */
export function register(program: Command): void {
  const db = program.command("db").description("Manage the sweep database.");
  withDatabaseOption(
    db
      .command("migrate")
      .description(
        "Create or upgrade the sweep tables and views (every command also does this when it opens the database).",
      ),
  ).action(async (options: { db?: string }) => {
    await withDatabase(options, async () => {}, { create: true });
    const journal = JSON.parse(await readFile(path.join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as {
      entries: { tag: string }[];
    };
    const latest = journal.entries.at(-1)?.tag ?? "none";
    const target = describeTarget(resolveDatabaseTarget(options));
    process.stdout.write(`${target}: schema up to date (${journal.entries.length} migrations, latest ${latest})\n`);
  });
}
