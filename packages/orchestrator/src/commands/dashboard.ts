import type { Command } from "commander";
import { parseIntervalMs } from "../dashboard/interval-option.js";
import { runDashboard } from "../dashboard/run-dashboard.js";

/** `sweep dashboard [sweep] [--db URL] [--interval ms]`. */
export function register(program: Command): void {
  program
    .command("dashboard")
    .description("Watch a sweep live in the terminal: ranking by val_loss, overfit flags, curves, workers.")
    .argument("[sweep]", "sweep id or name (default: the latest sweep, followed as new ones start)")
    .option("--db <url>", "postgres:// URL or PGlite directory (default: $DATABASE_URL, else ./.sweep)")
    .option("--interval <ms>", "refresh period in milliseconds", "1000")
    .addHelpText(
      "after",
      "\nKeys: ↑/↓ select, enter toggles the trial detail, s cycles the sort, f filters by status, q quits.",
    )
    .action(async (sweep: string | undefined, options: { db?: string; interval: string }) => {
      await runDashboard({ sweepRef: sweep, db: options.db, intervalMs: parseIntervalMs(options.interval) });
    });
}
