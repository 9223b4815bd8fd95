import path from "node:path";
import type { Queryable } from "@sweep/store";
import { makeOutputDir, safeFileName, writeOutputFile } from "../output/output-files.js";
import { htmlReport } from "./html-report.js";
import { markdownFigures, markdownReport } from "./markdown-report.js";
import { parameterEffects } from "./parameter-effects.js";
import { reportContent } from "./report-content.js";
import { describeModel, readReportData, readSummaries } from "./report-data.js";
import { renderReportFigures } from "./report-figures.js";
import { planSections, variantNamer } from "./report-sections.js";

export const REPORT_FORMATS = ["html", "md"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportRequest {
  sweepRef: string;
  /** Default: reports/<sweep id>. */
  outDir?: string;
  format: ReportFormat;
}

/** The page written and every file beside it. */
export interface WrittenReport {
  page: string;
  files: string[];
  sections: number;
  trials: number;
}

/**
 * `sweep report`: reads the sweep, plans the sections (`planSections`), draws the
 * figures once and writes `<sweep>.html` (self-contained) or `<sweep>.md` with its PNGs.
 */
export async function writeReport(db: Queryable, request: ReportRequest): Promise<WrittenReport> {
  const data = await readReportData(db, request.sweepRef);
  const allModels = await readSummaries(db, data.trials, data.ranking);
  const layersOf = (trial: { id: string }) => {
    const model = allModels.get(trial.id);
    return model ? describeModel(model) : "unknown";
  };
  const plan = planSections(data.trials, variantNamer(data.config?.variants?.map((v) => v.name) ?? [], layersOf));
  const scored = data.scores.map((row) => ({ params: row.params, score: row.best_val_loss }));
  const effects = parameterEffects(scored, data.config);
  const shownTrials = plan.sections.map((section) => section.trial);
  const figures = await renderReportFigures({
    sweepName: data.sweep.name,
    trials: shownTrials,
    models: allModels,
    effects,
  });
  const content = reportContent(data, plan, allModels, effects, figures);

  const dir = request.outDir ?? path.join("reports", data.sweep.id);
  await makeOutputDir(dir);
  const base = safeFileName(data.sweep.name, "report");
  const files: string[] = [];
  let page: string;
  if (request.format === "html") {
    page = await writeOutputFile(dir, `${base}.html`, htmlReport(content));
  } else {
    for (const figure of markdownFigures(content))
      files.push(await writeOutputFile(dir, `${figure.file}.png`, figure.png()));
    page = await writeOutputFile(dir, `${base}.md`, markdownReport(content));
  }
  return { page, files, sections: plan.sections.length, trials: data.trialCount };
}
