import type { KeptKind, MetricGoal, MetricName, TrialStatus } from "@sweep/core";
import type { Queryable } from "./database.js";
import { sql } from "./sql.js";

/**
 * A row of the `trial_ranking` view (drizzle/0001_views.sql, docs/sql.md): the one
 * type of a trial's ranking, read by `sweep results`, `status`, `run` and the dashboard.
 */
export interface TrialRankingRow extends Record<string, unknown> {
  sweep_id: string;
  sweep_name: string;
  /** 1 = best metric_value toward the sweep's goal; ties share a rank; null while the trial has none. */
  rank: number | null;
  trial_id: string;
  ordinal: number;
  trial_name: string;
  params: Record<string, unknown>;
  status: TrialStatus;
  best_val_loss: number | null;
  best_epoch: number | null;
  overfit_epoch: number | null;
  last_epoch: number | null;
  last_val_loss: number | null;
  val_accuracy_at_best: number | null;
  test_loss: number | null;
  test_accuracy: number | null;
  param_count: number | null;
  backend: string | null;
  epochs_planned: number;
  /** The sweep's metric (config.metric; default val_loss, minimize). */
  metric_name: MetricName;
  metric_goal: MetricGoal;
  /** The trial's best epoch value of the metric toward its goal (test_*: the final value); null before it has one. */
  metric_value: number | null;
  /** Which weights test_loss and test_accuracy are of (`training.restore_best_weights`); null before the test. */
  test_weights: KeptKind | null;
  /** The epoch of those weights. */
  test_epoch: number | null;
}

/** A row of the `epoch_curves` view. */
export interface EpochCurveRow extends Record<string, unknown> {
  sweep_id: string;
  trial_id: string;
  trial_name: string;
  epoch: number;
  loss: number;
  val_loss: number;
  accuracy: number;
  val_accuracy: number;
  duration_ms: number;
  images_per_s: number;
  is_best: boolean;
  is_overfit_start: boolean;
}

/** The sweep's trials from `trial_ranking`: ranked ones first (rank 1 first), then the rest in launch order. */
export async function trialRanking(database: Queryable, sweepId: string): Promise<TrialRankingRow[]> {
  return database.query<TrialRankingRow>(
    sql`SELECT * FROM trial_ranking WHERE sweep_id = ${sweepId} ORDER BY rank NULLS LAST, ordinal`,
  );
}

/** The sweep's epochs from `epoch_curves`, by trial (launch order) then epoch. */
export async function epochCurves(database: Queryable, sweepId: string): Promise<EpochCurveRow[]> {
  return database.query<EpochCurveRow>(sql`
    SELECT c.* FROM epoch_curves c JOIN trials t ON t.id = c.trial_id
    WHERE c.sweep_id = ${sweepId} ORDER BY t.ordinal, c.epoch`);
}
