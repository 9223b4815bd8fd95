import path from "node:path";
import { getSweep, type SweepDatabase } from "@sweep/store";
import { readTrialViews } from "../dashboard/trial-views.js";
import { writeSweepPlots } from "./write-sweep-plots.js";

export interface PlotRequest {
  sweepRef: string;
  /** Default: plots/<sweep id>. */
  outDir?: string;
  /** Draw the first `top` trials of the ranking (default 20). */
  top?: number;
}

/**
 * `sweep plot`: reads the first `top` trials of the sweep's ranking (through its index:
 * a huge sweep costs what is drawn) and writes their charts; returns a one-line summary.
 */
export async function plotSweep(db: SweepDatabase, { sweepRef, outDir, top = 20 }: PlotRequest): Promise<string> {
  const sweep = await getSweep(db, sweepRef);
  const trials = await readTrialViews(db, sweep.id, { limit: top });
  const dir = outDir ?? path.join("plots", sweep.id);
  const plots = await writeSweepPlots({ sweepName: sweep.name, trials, outDir: dir });
  const charts = plots.learningCurves.length / 2;
  return `wrote ${charts} learning curve${charts === 1 ? "" : "s"} and val-loss-comparison (SVG + PNG) to ${dir}\n`;
}
