import { writeFile } from "node:fs/promises";
import { sweepJsonSchema, UsageError } from "@sweep/core";
import type { Command } from "commander";

/** `sweep schema [--out FILE]`. */
export function register(program: Command): void {
  program
    .command("schema")
    .description("Print the JSON Schema of sweep config files (for editor completion and checks).")
    .option("--out <file>", "write it to this file instead of standard output")
    .action(async (options: { out?: string }) => {
      const text = `${JSON.stringify(sweepJsonSchema(), null, 2)}\n`;
      if (!options.out) {
        process.stdout.write(text);
        return;
      }
      const out = options.out;
      await writeFile(out, text).catch((error: NodeJS.ErrnoException) => {
        throw new UsageError(`--out: cannot write (${error.code}), got ${JSON.stringify(out)}`, "--out");
      });
      process.stdout.write(`wrote ${out}\n`);
    });
}
