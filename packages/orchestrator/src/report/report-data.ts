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
  trialModels,
  trialRanking,
  trialStatusCounts,
} from "@sweep/store";
import { readTrialViews } from "../dashboard/trial-views.js";
import type { TrialModelSummary } from "../models/trial-summary.js";

/** Everything a report shows, read through the store's statements. */
export interface ReportData {
  sweep: SweepRow;
  /** The stored config validated again; null when it no longer validates (it is then shown as stored). */
  config: SweepConfig | null;
  /** In ranking order, with their curves. */
  trials: TrialView[];
  /** The ranking rows by trial id (test loss, params, backend…). */
  ranking: Map<string, TrialRankingRow>;
  statuses: { status: string; trials: number }[];
  workers: SweepWorker[];
  wallSeconds: number | null;
}

/** Reads the sweep `sweepRef` names (id, id prefix or name) and its trials. */
export async function readReportData(db: Queryable, sweepRef: string): Promise<ReportData> {
  const sweep = await getSweep(db, sweepRef);
  const trials = await readTrialViews(db, sweep.id);
  const ranking = new Map((await trialRanking(db, sweep.id)).map((row) => [row.trial_id, row]));
  return {
    sweep,
    config: storedConfig(sweep.config),
    trials,
    ranking,
    statuses: await trialStatusCounts(db, sweep.id),
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
