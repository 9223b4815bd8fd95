import { type SweepConfig, summarizeModel, validateSweepConfig } from "@sweep/core";
import type { TrialView } from "@sweep/dashboard-tui";
import {
  getSweep,
  type Queryable,
  type SweepRow,
  type SweepWorker,
  sweepWallSeconds,
  sweepWorkers,
  type TrialRankingRow,
  type TrialScore,
  trialModels,
  trialRankingPage,
  trialScores,
  trialStatusCounts,
} from "@sweep/store";
import { readTrialViews } from "../dashboard/trial-views.js";
import type { TrialModelSummary } from "../models/trial-summary.js";

/**
 * The trials a report reads in full (curves, models), first in rank order: the
 * sections (the best trial of each of the 20 best variants: the first 20 distinct
 * variants in rank order), the figures and the ranking table come from them; the
 * parameter effects weigh every trial (`scores`). Its memory is bounded however large
 * the sweep.
 */
export const REPORT_TRIALS = 1000;

/** Everything a report shows, read through the store's statements. */
export interface ReportData {
  sweep: SweepRow;
  /** The stored config validated again; null when it no longer validates (it is then shown as stored). */
  config: SweepConfig | null;
  /** The first `REPORT_TRIALS` in ranking order, with their curves. */
  trials: TrialView[];
  /** How many trials the sweep has. */
  trialCount: number;
  /** Every trial's params and best val_loss, for the parameter effects. */
  scores: TrialScore[];
  /** The ranking rows by trial id (test loss, params, backend…). */
  ranking: Map<string, TrialRankingRow>;
  statuses: { status: string; trials: number }[];
  workers: SweepWorker[];
  wallSeconds: number | null;
}

/** Reads the sweep `sweepRef` names (id, id prefix or name), its first trials in full and every trial's score. */
export async function readReportData(db: Queryable, sweepRef: string): Promise<ReportData> {
  const sweep = await getSweep(db, sweepRef);
  const trials = await readTrialViews(db, sweep.id, { limit: REPORT_TRIALS });
  const ranked = await trialRankingPage(db, sweep.id, { limit: REPORT_TRIALS });
  const statuses = await trialStatusCounts(db, sweep.id);
  return {
    sweep,
    config: storedConfig(sweep.config),
    trials,
    trialCount: statuses.reduce((sum, row) => sum + row.trials, 0),
    scores: await trialScores(db, sweep.id),
    ranking: new Map(ranked.map((row) => [row.trial_id, row])),
    statuses,
    workers: await sweepWorkers(db, sweep.id),
    wallSeconds: await sweepWallSeconds(db, sweep.id),
  };
}

function storedConfig(raw: unknown): SweepConfig | null {
  try {
    return validateSweepConfig(raw);
  } catch {
    return null;
  }
}

/** Each of `trials`' stored model with its Keras summary, by trial id, for the diagrams and summary tables. */
export async function readSummaries(
  db: Queryable,
  trials: readonly TrialView[],
  ranking: Map<string, TrialRankingRow>,
): Promise<Map<string, TrialModelSummary>> {
  const rows = await trialModels(
    db,
    trials.map((trial) => trial.id),
  );
  return new Map(
    rows.map((row) => {
      const ordinal = ranking.get(row.id)?.ordinal ?? 0;
      const name = trials.find((trial) => trial.id === row.id)?.name ?? row.id;
      return [
        row.id,
        { trial: { id: row.id, name, ordinal }, summary: summarizeModel(row.model.spec.input_shape, row.model.layers) },
      ];
    }),
  );
}

/** `Conv2D 16 → MaxPooling2D → Flatten → Dense 10 (7,850 params)`: a model, to group trials by. */
export function describeModel({ summary }: TrialModelSummary): string {
  const layers = summary.layers.map((layer) => `${layer.type} ${layer.outputShape.join("×")}`);
  return `${layers.join(" → ")} (${summary.totalParams.toLocaleString("en-US")} params)`;
}
