import type { Command } from "commander";
import { parseCount } from "./count-option.js";
import { withDatabase, withDatabaseOption } from "./database-option.js";
import { sweepArgument } from "./sweep-argument.js";

/** `sweep plot <sweep> [--out DIR] [--top N] [--db URL]`. */
export function register(program: Command): void {
  withDatabaseOption(
    program
      .command("plot")
      .description(
        "Draw the learning curves of the ranking's first trials (--top, default 20) and their val_loss comparison, as SVG and PNG.",
      )
      .addArgument(sweepArgument())
      .option("--out <dir>", "output directory (default: plots/<sweep id>)")
      .option("--top <n>", "draw the first n trials of the ranking", "20"),
  ).action(async (sweepRef: string, options: { db?: string; out?: string; top: string }) => {
    const top = parseCount(options.top, "--top", 1);
    // Loaded on use: Vega would slow every other command's start-up.
    const { plotSweep } = await import("../plot/plot-sweep.js");
    process.stdout.write(await withDatabase(options, (db) => plotSweep(db, { sweepRef, outDir: options.out, top })));
  });
}
