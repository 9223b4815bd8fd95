import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { TrialView } from "@sweep/dashboard-tui";
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
 * and `val-loss-comparison.{svg,png}` for the sweep into `outDir` (created).
 */
export async function writeSweepPlots({ sweepName, trials, outDir }: SweepPlotsRequest): Promise<SweepPlots> {
  await mkdir(outDir, { recursive: true });
  const plotted = trials.filter((t) => t.curve.length > 0);
  const learningCurves: string[] = [];
  for (const trial of plotted) {
    learningCurves.push(...(await writeChart(outDir, `learning-curve-${trial.id}`, learningCurveSpec(trial))));
  }
  const comparison = await writeChart(outDir, "val-loss-comparison", valLossComparisonSpec(sweepName, plotted));
  return { learningCurves, comparison };
}

async function writeChart(outDir: string, baseName: string, spec: Parameters<typeof renderChart>[0]) {
  const { svg, png } = await renderChart(spec);
  const files = [path.join(outDir, `${baseName}.svg`), path.join(outDir, `${baseName}.png`)];
  await writeFile(files[0], svg);
  await writeFile(files[1], png);
  return files;
}
