import path from "node:path";
import { describeValue, sweepIdFor, UsageError } from "@sweep/core";
import type { Command } from "commander";
import { loadConfigFile } from "../config-file.js";
import { renderModelDiagram } from "../models/model-diagram.js";
import { summaryTable } from "../models/summary-table.js";
import { expandAndSummarize, type SummarizedTrial } from "../models/trial-summary.js";
import { makeOutputDir, safeFileName, writeOutputFile } from "../output/output-files.js";

interface ModelsOptions {
  out?: string;
  trial?: string;
  scale: string;
  diagrams: boolean;
}

/** `sweep models <config> [--out DIR] [--trial NAME] [--scale N] [--no-diagrams]`. */
export function register(program: Command): void {
  program
    .command("models")
    .description("Print each trial's Keras model.summary() and draw it like plot_model(show_shapes=True) (SVG, PNG).")
    .argument("<config>", "sweep config file (YAML)")
    .option("--out <dir>", "where the diagrams go (default: models/<sweep id>)")
    .option("--trial <name>", "only this trial: its name, id or ordinal")
    .option("--scale <factor>", "PNG zoom over the SVG size, 0.5 to 8", "2")
    .option("--no-diagrams", "print the tables only, write no files")
    .action(async (file: string, options: ModelsOptions) => {
      const scale = parseScale(options.scale);
      const { config } = await loadConfigFile(file);
      const sweepId = sweepIdFor(config);
      const trials = selectTrials(expandAndSummarize(config, sweepId).trials, options.trial);
      for (const trial of trials) process.stdout.write(`${summaryTable(trial)}\n`);
      if (!options.diagrams) return;
      const outDir = options.out ?? path.join("models", sweepId);
      for (const file of await writeDiagrams(trials, outDir, scale)) process.stdout.write(`wrote ${file}\n`);
    });
}

function parseScale(text: string): number {
  const scale = Number(text);
  if (text.trim() === "" || !Number.isFinite(scale) || scale < 0.5 || scale > 8) {
    throw new UsageError(`--scale: must be a number from 0.5 to 8, got ${describeValue(text)}`, "--scale");
  }
  return scale;
}

function selectTrials(trials: SummarizedTrial[], wanted: string | undefined): SummarizedTrial[] {
  if (wanted === undefined) return trials;
  const match = trials.filter(
    ({ trial }) => trial.name === wanted || trial.id === wanted || String(trial.ordinal) === wanted,
  );
  if (match.length > 0) return match;
  const names = trials.map(({ trial }) => trial.name);
  const shown = names.length > 6 ? `${names.slice(0, 6).join(", ")}, …` : names.join(", ");
  throw new UsageError(
    `--trial: no trial has this name, id or ordinal (trials: ${shown}), got ${describeValue(wanted)}`,
    "--trial",
  );
}

/** Writes `<ordinal>-<name>.svg` and `.png` per trial; returns the paths written. */
export async function writeDiagrams(
  trials: readonly SummarizedTrial[],
  outDir: string,
  scale: number,
): Promise<string[]> {
  await makeOutputDir(outDir);
  const written: string[] = [];
  for (const summarized of trials) {
    const { svg, png } = await renderModelDiagram(summarized, scale);
    const base = `t${String(summarized.trial.ordinal).padStart(3, "0")}-${safeFileName(summarized.trial.name, "trial")}`;
    written.push(await writeOutputFile(outDir, `${base}.svg`, svg), await writeOutputFile(outDir, `${base}.png`, png));
  }
  return written;
}
