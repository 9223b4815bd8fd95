import { describeValue, UsageError } from "@sweep/core";
import type { Command } from "commander";
import { withDatabase, withDatabaseOption } from "./database-option.js";
import { sweepArgument } from "./sweep-argument.js";

const FORMATS = ["html", "md"] as const;

/** `sweep report <sweep> [--out DIR] [--format html|md] [--db URL]` (docs/report.md). */
export function register(program: Command): void {
  withDatabaseOption(
    program
      .command("report")
      .description(
        "Write a sweep's write-up: header, ranking, per trial its diagram, summary, curve and what happened, " +
          "the val_loss comparison and each swept parameter's effect (HTML in one file, or Markdown + PNGs).",
      )
      .addArgument(sweepArgument())
      .option("--out <dir>", "output directory (default: reports/<sweep id>)")
      .option("--format <format>", "html (one self-contained file) or md (Markdown with PNG files beside it)", "html"),
  ).action(async (sweepRef: string, options: { db?: string; out?: string; format: string }) => {
    const format = FORMATS.find((name) => name === options.format);
    if (format === undefined) {
      throw new UsageError(
        `--format: must be one of ${FORMATS.join(", ")}; got ${describeValue(options.format)}`,
        "--format",
      );
    }
    // Loaded on use: Vega and Graphviz would slow every other command's start-up.
    const { writeReport } = await import("../report/write-report.js");
    const written = await withDatabase(options, (db) => writeReport(db, { sweepRef, outDir: options.out, format }));
    const pictures = written.files.length > 0 ? ` and ${written.files.length} PNG files beside it` : "";
    process.stdout.write(`wrote ${written.page}${pictures}: ${written.trials} trials, ${written.sections} sections\n`);
  });
}
