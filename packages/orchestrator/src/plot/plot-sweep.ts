import path from "node:path";
import { readTrialViews } from "../dashboard/load-snapshot.js";
import { getSweep, openDatabase, resolveDatabaseTarget } from "../db/index.js";
import { writeSweepPlots } from "./write-sweep-plots.js";

export interface PlotCommand {
  sweepRef: string;
  /** Default: plots/<sweep id>. */
  outDir?: string;
  db?: string;
}

/** `sweep plot`: reads the sweep's trials in ranking order and writes their charts; returns a one-line summary. */
export async function plotSweep({ sweepRef, outDir, db }: PlotCommand): Promise<string> {
  const database = await openDatabase(resolveDatabaseTarget({ db }));
  try {
    const sweep = await getSweep(database, sweepRef);
    const trials = await readTrialViews(database, sweep.id);
    const dir = outDir ?? path.join("plots", sweep.id);
    const plots = await writeSweepPlots({ sweepName: sweep.name, trials, outDir: dir });
    const charts = plots.learningCurves.length / 2;
    return `wrote ${charts} learning curve${charts === 1 ? "" : "s"} and val-loss-comparison (SVG + PNG) to ${dir}`;
  } finally {
    await database.close();
  }
}
