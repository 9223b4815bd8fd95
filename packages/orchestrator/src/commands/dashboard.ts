import type { Command } from "commander";
import { parseIntervalMs } from "../dashboard/interval-option.js";
import { letInkDrawLive } from "../dashboard/terminal-env.js";
import { withDatabase, withDatabaseOption } from "./database-option.js";
import { sweepArgument } from "./sweep-argument.js";

/** `sweep dashboard [sweep] [--db URL] [--interval ms]`. */
export function register(program: Command): void {
  withDatabaseOption(
    program
      .command("dashboard")
      .description("Watch a sweep live in the terminal: ranking by val_loss, overfit flags, curves, workers.")
      .addArgument(sweepArgument({ defaultHelp: "the newest sweep, followed as new ones start" })),
  )
    .option("--interval <ms>", "refresh period in milliseconds", "1000")
    .addHelpText(
      "after",
      "\nKeys: ↑/↓ select, enter toggles the trial detail, s cycles the sort, f filters by status, q quits.",
    )
    .action(async (sweepRef: string | undefined, options: { db?: string; interval: string }) => {
      const intervalMs = parseIntervalMs(options.interval);
      // Loaded on use: Ink and React would slow every other command's start-up.
      letInkDrawLive();
      const { runDashboard } = await import("../dashboard/run-dashboard.js");
      await withDatabase(options, (db) => runDashboard(db, { sweepRef, intervalMs }));
    });
}
