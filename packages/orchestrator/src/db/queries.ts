import type { TrialStatus } from "@sweep/core";
import type { SweepDatabase } from "./database.js";

/** A sweep with its trial counts and best trial, as `sweep ls` and `sweep status` show it. */
export interface SweepSummary extends Record<string, unknown> {
  id: string;
  name: string;
  status: string;
  created_at: Date;
  finished_at: Date | null;
  trials: number;
  queued: number;
  running: number;
  completed: number;
  failed: number;
  pruned: number;
  cancelled: number;
  /** Name, best val_loss and its epoch of the rank-1 trial; null before any epoch. */
  best_trial: string | null;
  best_val_loss: number | null;
  best_epoch: number | null;
}

/** A row of the `trial_ranking` view (see drizzle/0001_views.sql and docs/sql.md). */
export interface TrialRankingRow extends Record<string, unknown> {
  sweep_id: string;
  sweep_name: string;
  /** 1 = lowest best val_loss in the sweep; ties share a rank; null before the first epoch. */
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

const STATUS_COUNTS = ["queued", "running", "completed", "failed", "pruned", "cancelled"]
  .map((status) => `count(*) FILTER (WHERE t.status = '${status}')::int AS ${status}`)
  .join(", ");

/** Every sweep, newest first, with trial counts by status and its best trial. */
export async function listSweeps(database: SweepDatabase): Promise<SweepSummary[]> {
  return database.query<SweepSummary>(
    `SELECT s.id, s.name, s.status, s.created_at, s.finished_at, count(t.id)::int AS trials, ${STATUS_COUNTS},
            best.trial_name AS best_trial, best.best_val_loss, best.best_epoch
     FROM sweeps s
     LEFT JOIN trials t ON t.sweep_id = s.id
     LEFT JOIN LATERAL (
       SELECT r.trial_name, r.best_val_loss, r.best_epoch FROM trial_ranking r
       WHERE r.sweep_id = s.id AND r.rank IS NOT NULL ORDER BY r.rank, r.ordinal LIMIT 1
     ) best ON true
     GROUP BY s.id, best.trial_name, best.best_val_loss, best.best_epoch
     ORDER BY s.created_at DESC, s.id`,
  );
}

/** The sweep's trials from `trial_ranking`: ranked ones first (rank 1 first), then the rest in launch order. */
export async function trialRanking(database: SweepDatabase, sweepId: string): Promise<TrialRankingRow[]> {
  return database.query<TrialRankingRow>(
    "SELECT * FROM trial_ranking WHERE sweep_id = $1 ORDER BY rank NULLS LAST, ordinal",
    [sweepId],
  );
}

/** The sweep's epochs from `epoch_curves`, by trial (launch order) then epoch. */
export async function epochCurves(database: SweepDatabase, sweepId: string): Promise<EpochCurveRow[]> {
  return database.query<EpochCurveRow>(
    `SELECT c.* FROM epoch_curves c JOIN trials t ON t.id = c.trial_id
     WHERE c.sweep_id = $1 ORDER BY t.ordinal, c.epoch`,
    [sweepId],
  );
}
