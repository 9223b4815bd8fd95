import { PRINTABLE_LENGTH, printable } from "@sweep/core";
import { describeParams, type TrialView } from "@sweep/dashboard-tui";
import { stringify } from "yaml";
import { summaryTable } from "../models/summary-table.js";
import type { TrialModelSummary } from "../models/trial-summary.js";
import type { ParameterEffect } from "./parameter-effects.js";
import type { ReportData } from "./report-data.js";
import type { Figure, ReportFigures, TrialFigures } from "./report-figures.js";
import { SECTION_LIMIT, type SectionPlan } from "./report-sections.js";
import { trialSentence } from "./trial-sentence.js";

/** A table as text cells; the HTML and Markdown writers escape them. */
export interface TextTable {
  headers: string[];
  rows: string[][];
}

export interface TrialSection {
  heading: string;
  /** The variant's name and size when sections are per variant. */
  note: string | null;
  sentence: string;
  summary: string | null;
  figures: TrialFigures;
}

/** The report, every text printable, ready for `htmlReport` or `markdownReport`. */
export interface ReportContent {
  title: string;
  description: string | null;
  facts: [string, string][];
  config: string;
  ranking: TextTable;
  sectionRule: string;
  sections: TrialSection[];
  comparison: Figure | null;
  parameters: { path: string; table: TextTable; figure: Figure | null; unscored: number }[];
}

const text = (value: string) => printable(value, PRINTABLE_LENGTH.cell);
const num = (value: number | null, digits = 4) => (value === null ? "—" : value.toFixed(digits));

export function reportContent(
  data: ReportData,
  plan: SectionPlan,
  models: Map<string, TrialModelSummary>,
  effects: readonly ParameterEffect[],
  figures: ReportFigures,
): ReportContent {
  return {
    title: text(data.sweep.name),
    description: data.config?.description ? printable(data.config.description, 10_000) : null,
    facts: headerFacts(data),
    config: stringify(data.sweep.config)
      .split("\n")
      .map((line) => printable(line, PRINTABLE_LENGTH.line))
      .join("\n"),
    ranking: rankingTable(data),
    sectionRule: sectionRule(data.trialCount, plan),
    sections: plan.sections.map(({ trial, variant }) => ({
      heading: `${trial.rank === null ? "unranked" : `#${trial.rank}`} ${text(trial.name)}`,
      note: variant ? `best of the ${variant.trials} trial(s) of variant ${text(variant.name)}` : null,
      sentence: trialSentence(trial),
      summary: models.has(trial.id) ? summaryTable(models.get(trial.id) as TrialModelSummary) : null,
      figures: figures.trials.get(trial.id) ?? { diagram: null, curve: null },
    })),
    comparison: figures.comparison,
    parameters: effects.map((effect) => ({
      path: text(effect.path),
      table: {
        headers: ["value", "trials", "best", "median", "worst"],
        rows: effect.values.map((v) => [text(v.value), String(v.trials), num(v.best), num(v.median), num(v.worst)]),
      },
      figure: figures.parameters.get(effect.path) ?? null,
      unscored: effect.unscored,
    })),
  };
}

function headerFacts({
  sweep,
  config,
  trialCount,
  ranking,
  statuses,
  workers,
  wallSeconds,
}: ReportData): [string, string][] {
  const backends = [...new Set([...ranking.values()].flatMap((row) => (row.backend ? [row.backend] : [])))];
  const threads = workers.map(
    (w) => `${text(w.worker)}: ${w.threads === null ? "?" : plural(w.threads, "thread")}, ${plural(w.trials, "trial")}`,
  );
  const dataset = config?.dataset;
  return [
    ["sweep", `${text(sweep.id)} (${text(sweep.status)})`],
    ["launched", new Date(sweep.createdAt).toISOString()],
    ["data", dataset ? text(JSON.stringify(dataset)) : "—"],
    ["ranked by", "best val_loss (lowest first)"],
    ["backend", backends.length > 0 ? text(backends.join(", ")) : "—"],
    ["threads", threads.length > 0 ? threads.join("; ") : "—"],
    ["wall time", wallSeconds === null ? "—" : wallTime(wallSeconds)],
    ["trials", `${trialCount}: ${statuses.map((s) => `${s.trials} ${text(s.status)}`).join(", ")}`],
  ];
}

/** The ranking of the trials read in full; a last row counts the trials after them. */
function rankingTable({ trials, ranking, trialCount }: ReportData): TextTable {
  const headers = ["rank", "trial", "params", "status", "best val_loss", "best epoch", "overfit epoch", "epochs"];
  headers.push("test loss", "test accuracy", "tested on");
  const rows = trials.map((trial: TrialView) => {
    const row = ranking.get(trial.id);
    return [
      trial.rank === null ? "—" : String(trial.rank),
      text(trial.name),
      describeParams(trial.params, ", "),
      text(trial.status),
      num(trial.bestValLoss),
      trial.bestEpoch === null ? "—" : String(trial.bestEpoch),
      trial.overfitEpoch === null ? "—" : String(trial.overfitEpoch),
      `${trial.epochsDone}/${trial.epochsPlanned}`,
      num(row?.test_loss ?? null),
      num(row?.test_accuracy ?? null),
      // Which weights the test figures are of: the last epoch's, or the best's (training.restore_best_weights).
      row?.test_weights ? `${row.test_weights} epoch (${row.test_epoch ?? "?"})` : "—",
    ];
  });
  const more = trialCount - trials.length;
  if (more > 0)
    rows.push([
      "…",
      `${more} more trials (sweep results --offset ${trials.length})`,
      ...headers.slice(2).map(() => ""),
    ]);
  return { headers, rows };
}

function sectionRule(trialCount: number, plan: SectionPlan): string {
  if (!plan.perVariant) return `One section per trial (a sweep of up to ${SECTION_LIMIT} trials), in ranking order.`;
  const left = plan.omitted > 0 ? `; the other ${plan.omitted} variants are in the ranking only` : "";
  return (
    `${trialCount} trials, more than ${SECTION_LIMIT}: one section per variant (the config's named variant, or ` +
    `the model when the sweep has none), showing its best trial, for the ${SECTION_LIMIT} best variants${left}.`
  );
}

function wallTime(seconds: number): string {
  const s = Math.round(seconds);
  const [h, m] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60)];
  return h > 0 ? `${h}h${String(m).padStart(2, "0")}m` : m > 0 ? `${m}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
