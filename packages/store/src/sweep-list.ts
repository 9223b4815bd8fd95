import type { Queryable } from "./database.js";
import { sql } from "./sql.js";

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

/** Every sweep (or `only` one), newest first, with trial counts by status and its best trial. */
export async function listSweeps(database: Queryable, only?: { sweepId: string }): Promise<SweepSummary[]> {
  return database.query<SweepSummary>(sql`
    SELECT s.id, s.name, s.status, s.created_at, s.finished_at, count(t.id)::int AS trials,
           count(*) FILTER (WHERE t.status = 'queued')::int AS queued,
           count(*) FILTER (WHERE t.status = 'running')::int AS running,
           count(*) FILTER (WHERE t.status = 'completed')::int AS completed,
           count(*) FILTER (WHERE t.status = 'failed')::int AS failed,
           count(*) FILTER (WHERE t.status = 'pruned')::int AS pruned,
           count(*) FILTER (WHERE t.status = 'cancelled')::int AS cancelled,
           best.trial_name AS best_trial, best.best_val_loss, best.best_epoch
    FROM sweeps s
    LEFT JOIN trials t ON t.sweep_id = s.id
    LEFT JOIN LATERAL (
      SELECT b.name AS trial_name, b.best_val_loss, b.best_epoch FROM trials b
      WHERE b.sweep_id = s.id AND b.metric_value IS NOT NULL ORDER BY b.rank_key, b.ordinal LIMIT 1
    ) best ON true
    ${only === undefined ? sql`` : sql`WHERE s.id = ${only.sweepId}`}
    GROUP BY s.id, best.trial_name, best.best_val_loss, best.best_epoch
    ORDER BY s.created_at DESC, s.id`);
}
