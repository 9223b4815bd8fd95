import type { Command } from "commander";
import { plotSweep } from "../plot/plot-sweep.js";

/** `sweep plot <sweep> [--out DIR] [--db URL]`. */
export function register(program: Command): void {
  program
    .command("plot")
    .description("Draw each trial's learning curve and a val_loss comparison of the variants, as SVG and PNG.")
    .argument("<sweep>", "sweep id or name")
    .option("--out <dir>", "output directory (default: plots/<sweep id>)")
    .option("--db <url>", "postgres:// URL or PGlite directory (default: $DATABASE_URL, else ./.sweep)")
    .action(async (sweep: string, options: { out?: string; db?: string }) => {
      const written = await plotSweep({ sweepRef: sweep, outDir: options.out, db: options.db });
      process.stdout.write(`${written}\n`);
    });
}
