import { PRINTABLE_LENGTH, printable } from "@sweep/core";
import type { TrialView } from "@sweep/dashboard-tui";
import { makeOutputDir, safeFileName, writeOutputFile } from "../output/output-files.js";
import { valLossComparisonSpec } from "./comparison-chart.js";
import { learningCurveSpec } from "./learning-curve-chart.js";
import { renderChart } from "./render-chart.js";

export interface SweepPlotsRequest {
  sweepName: string;
  /** In ranking order; trials without a finished epoch get no chart. */
  trials: readonly TrialView[];
  outDir: string;
}

/** The files written, SVG and PNG side by side. */
export interface SweepPlots {
  learningCurves: string[];
  comparison: string[];
}

/**
 * Writes `learning-curve-<trial id>.{svg,png}` per trial with at least one epoch
 * and `val-loss-comparison.{svg,png}` for the sweep into `outDir` (created). Ids and
 * names are read from the database: a file is named by `safeFileName` of the id, and
 * charts show `printable` text (SVG cannot hold control characters).
 */
export async function writeSweepPlots({ sweepName, trials, outDir }: SweepPlotsRequest): Promise<SweepPlots> {
  await makeOutputDir(outDir);
  const text = (value: string) => printable(value, PRINTABLE_LENGTH.cell);
  const plotted = trials.filter((t) => t.curve.length > 0);
  const shown = plotted.map((t) => ({ ...t, id: text(t.id), name: text(t.name), status: text(t.status) }));
  const learningCurves: string[] = [];
  for (const [index, trial] of plotted.entries()) {
    const baseName = `learning-curve-${safeFileName(trial.id, "trial")}`;
    learningCurves.push(...(await writeChart(outDir, baseName, learningCurveSpec(shown[index] as TrialView))));
  }
  const comparison = await writeChart(outDir, "val-loss-comparison", valLossComparisonSpec(text(sweepName), shown));
  return { learningCurves, comparison };
}

async function writeChart(outDir: string, baseName: string, spec: Parameters<typeof renderChart>[0]) {
  const { svg, png } = await renderChart(spec);
  return [await writeOutputFile(outDir, `${baseName}.svg`, svg), await writeOutputFile(outDir, `${baseName}.png`, png)];
}
