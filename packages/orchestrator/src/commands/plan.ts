import {
  type CollapsedPoint,
  describeTrialParams,
  FLOPS_COUNTED,
  formatCount,
  PRINTABLE_LENGTH,
  printable,
  type SweepConfig,
  type SweepSearch,
  sweepIdFor,
  sweepSearch,
} from "@sweep/core";
import type { Command } from "commander";
import { loadConfigFile } from "../config-file.js";
import { describeSearchPlan } from "../controller/search-plan.js";
import { checkTrialsAgainstData, type DatasetShapes } from "../dataset-check.js";
import { expandAndSummarize, formatMagnitude, type SummarizedTrial } from "../models/trial-summary.js";
import { formatTable } from "../output/format-rows.js";

/** `sweep plan <config> [--json]`: what a launch would run, without any service. */
export function register(program: Command): void {
  program
    .command("plan")
    .description("Validate a sweep config and list its trials (what differs from the base, params, FLOPs) and totals.")
    .argument("<config>", "sweep config file (YAML)")
    .option("--json", "print the plan as JSON")
    .action(async (file: string, options: { json?: boolean }) => {
      const { config, writtenSources } = await loadConfigFile(file);
      const sweepId = sweepIdFor(config);
      const expansion = expandAndSummarize(config, sweepId);
      const shapes = await checkTrialsAgainstData(
        file,
        expansion.trials.map(({ trial }) => trial),
        { written: writtenSources },
      );
      const plan = planSweep(config, sweepId, expansion, shapes);
      process.stdout.write(
        options.json ? `${JSON.stringify(plan, null, 2)}\n` : describePlan(plan, sweepSearch(config)),
      );
    });
}

export interface SweepPlan {
  sweepId: string;
  name: string;
  method: SweepConfig["method"];
  metric: SweepConfig["metric"];
  trials: Array<{
    ordinal: number;
    id: string;
    name: string;
    params: Record<string, unknown>;
    paramCount: number;
    flopsPerImage: number;
    epochs: number;
    trainImages: number;
  }>;
  /** Grid points that resolved to an earlier trial and were dropped. */
  collapsed: CollapsedPoint[];
  /** What the sweep's search will do (its proposer, its rungs); empty with neither. */
  search: string[];
  totals: {
    trials: number;
    epochs: number;
    params: number;
    /** Forward + backward ≈ 3 × forward FLOPs, per training image, per epoch, summed over trials. */
    trainingFlops: number;
  };
}

/**
 * The plan of an expanded sweep whose trials were checked against their data sets
 * (`checkTrialsAgainstData`, which gives `shapes`): a trial trains on the first
 * `train_limit` (else all) training images less the `validation_split` fraction.
 */
export function planSweep(
  config: SweepConfig,
  sweepId: string,
  expansion: ReturnType<typeof expandAndSummarize>,
  shapes: DatasetShapes,
): SweepPlan {
  const trainImagesOf = (trial: SummarizedTrial["trial"]) =>
    trial.dataset.train_limit ?? shapes.get(trial.dataset.source)?.trainImages ?? 0;
  const trials = expansion.trials.map(({ trial, summary }: SummarizedTrial) => ({
    ordinal: trial.ordinal,
    id: trial.id,
    name: trial.name,
    params: trial.params,
    paramCount: summary.totalParams,
    flopsPerImage: summary.flopsPerImage,
    epochs: trial.training.epochs,
    trainImages: Math.floor(trainImagesOf(trial) * (1 - trial.training.validation_split)),
  }));
  const sum = (value: (t: (typeof trials)[number]) => number) => trials.reduce((total, t) => total + value(t), 0);
  return {
    sweepId,
    name: config.name,
    method: config.method,
    metric: config.metric,
    trials,
    collapsed: expansion.collapsed,
    search: describeSearchPlan(config),
    totals: {
      trials: trials.length,
      epochs: sum((t) => t.epochs),
      params: sum((t) => t.paramCount),
      trainingFlops: sum((t) => 3 * t.flopsPerImage * t.trainImages * t.epochs),
    },
  };
}

/** The text `sweep plan` prints: a header, one row per trial, the totals (at most, when `search` proposes them). */
export function describePlan(plan: SweepPlan, search: SweepSearch): string {
  const paramsWidth = Math.max(0, ...plan.trials.map((t) => formatCount(t.paramCount).length));
  const table = formatTable(plan.trials, [
    { header: "#", value: (t) => t.ordinal },
    { header: "trial", value: (t) => t.name },
    { header: "differs from the base", value: (t) => describeTrialParams(t.params) || "(nothing)" },
    { header: "params", value: (t) => formatCount(t.paramCount).padStart(paramsWidth) },
    { header: "FLOPs/image", value: (t) => formatMagnitude(t.flopsPerImage) },
    { header: "epochs", value: (t) => t.epochs },
  ]);
  const { totals } = plan;
  const lines = [
    `sweep ${printable(plan.name, PRINTABLE_LENGTH.cell)} (${plan.sweepId}): ${plan.method}, ranked by ${plan.metric.name} (${plan.metric.goal})`,
    ...plan.search,
    "",
    table.trimEnd(),
    "",
    `${search.proposer ? "at most " : ""}${totals.trials} trials, ${totals.epochs} epochs, ${formatCount(totals.params)} params in all, ` +
      `~${formatMagnitude(totals.trainingFlops)} training FLOPs (3 × forward, per training image and epoch)`,
    `FLOPs/image: forward, ${FLOPS_COUNTED}`,
  ];
  if (plan.collapsed.length > 0) {
    lines.push(`${plan.collapsed.length} more point(s) resolved to an earlier trial and were dropped:`);
    for (const point of plan.collapsed)
      lines.push(`  ${printable(point.name, PRINTABLE_LENGTH.cell)} = ${point.sameAs}`);
  }
  return `${lines.join("\n")}\n`;
}
