import path from "node:path";
import { getSweep, type SweepDatabase } from "@sweep/store";
import { readTrialViews } from "../dashboard/trial-views.js";
import { writeSweepPlots } from "./write-sweep-plots.js";

export interface PlotRequest {
  sweepRef: string;
  /** Default: plots/<sweep id>. */
  outDir?: string;
}

/** `sweep plot`: reads the sweep's trials in ranking order and writes their charts; returns a one-line summary. */
export async function plotSweep(db: SweepDatabase, { sweepRef, outDir }: PlotRequest): Promise<string> {
  const sweep = await getSweep(db, sweepRef);
  const trials = await readTrialViews(db, sweep.id);
  const dir = outDir ?? path.join("plots", sweep.id);
  const plots = await writeSweepPlots({ sweepName: sweep.name, trials, outDir: dir });
  const charts = plots.learningCurves.length / 2;
  return `wrote ${charts} learning curve${charts === 1 ? "" : "s"} and val-loss-comparison (SVG + PNG) to ${dir}\n`;
}
