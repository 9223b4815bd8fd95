import type { DecidedRung } from "@sweep/core";
import type { ModelLayerRow, TrialView } from "@sweep/dashboard-tui";
import { type Queryable, type RankedTrialRow, trialRankingPage } from "@sweep/store";
import { readModelTables } from "./model-tables.js";
import { readCurves, readRungs, type TrialCurve } from "./sweep-rows.js";

export interface TrialViewOptions {
  /** Read the trials' rung decisions (one query): for a sweep with rungs (a hyperband rule). */
  rungs?: boolean;
  /** Only the first `limit` trials in rank order; every trial without it. */
  limit?: number;
}

/** The trials of one sweep as the plots and the report show them, in `trial_ranking` order, with their models. */
export async function readTrialViews(
  db: Queryable,
  sweepId: string,
  { rungs = false, limit }: TrialViewOptions = {},
): Promise<TrialView[]> {
  const ranked = await trialRankingPage(db, sweepId, { limit: limit ?? null });
  const ids = ranked.map((row) => row.trial_id);
  const curves = await readCurves(db, ids);
  const models = await readModelTables(db, ids);
  const decisions = rungs ? await readRungs(db, sweepId) : new Map<string, DecidedRung[]>();
  return ranked.map((row) =>
    trialView(
      row,
      curves.get(row.trial_id) ?? EMPTY_CURVE,
      models.get(row.trial_id) ?? [],
      decisions.get(row.trial_id) ?? [],
    ),
  );
}

export const EMPTY_CURVE: TrialCurve = { points: [], lastValAccuracy: null };

/** A ranking row as the dashboard and the plots show it, with its curve, layer table and rung decisions. */
export function trialView(
  row: RankedTrialRow,
  curve: TrialCurve,
  model: ModelLayerRow[],
  rungs: DecidedRung[],
): TrialView {
  return {
    id: row.trial_id,
    rank: row.rank,
    name: row.trial_name,
    params: row.params,
    status: row.status,
    epochsDone: row.epochs_done,
    epochsPlanned: row.epochs_planned,
    bestValLoss: row.best_val_loss,
    bestEpoch: row.best_epoch,
    overfitEpoch: row.overfit_epoch,
    lastValLoss: row.last_val_loss,
    valAccuracy: row.last_val_accuracy,
    testAccuracy: row.test_accuracy,
    curve: curve.points,
    model,
    rungs,
  };
}
