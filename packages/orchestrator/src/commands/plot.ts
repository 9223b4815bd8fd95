import type { Command } from "commander";
import { withDatabase, withDatabaseOption } from "./database-option.js";
import { sweepArgument } from "./sweep-argument.js";

/** `sweep plot <sweep> [--out DIR] [--db URL]`. */
export function register(program: Command): void {
  withDatabaseOption(
    program
      .command("plot")
      .description("Draw each trial's learning curve and a val_loss comparison of the variants, as SVG and PNG.")
      .addArgument(sweepArgument())
      .option("--out <dir>", "output directory (default: plots/<sweep id>)"),
  ).action(async (sweepRef: string, options: { db?: string; out?: string }) => {
    // Loaded on use: Vega would slow every other command's start-up.
    const { plotSweep } = await import("../plot/plot-sweep.js");
    process.stdout.write(await withDatabase(options, (db) => plotSweep(db, { sweepRef, outDir: options.out })));
  });
}
