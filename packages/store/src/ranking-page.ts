import type { TrialStatus } from "@sweep/core";
import type { Queryable } from "./database.js";
import { type SqlStatement, sql } from "./sql.js";
import type { TrialRankingRow } from "./views.js";

/**
 * The orders a page of the ranking can take, each served by an index of `trials`
 * (migration 0007): `rank` (trial_ranking's), then best-first by the last epoch's
 * val_loss, the last epoch's val_accuracy, test_accuracy, and the most epochs done.
 * Trials without the value come last; ties keep rank order, then launch order.
 */
export const RANKING_ORDERS = ["rank", "last_val_loss", "last_val_accuracy", "test_accuracy", "epochs_done"] as const;
export type RankingOrder = (typeof RANKING_ORDERS)[number];

const ORDER_BY: Record<RankingOrder, SqlStatement> = {
  rank: sql`t.rank_key ASC NULLS LAST, t.ordinal`,
  last_val_loss: sql`t.last_val_loss ASC NULLS LAST, t.rank_key ASC NULLS LAST, t.ordinal`,
  last_val_accuracy: sql`t.last_val_accuracy DESC NULLS LAST, t.rank_key ASC NULLS LAST, t.ordinal`,
  test_accuracy: sql`t.test_accuracy DESC NULLS LAST, t.rank_key ASC NULLS LAST, t.ordinal`,
  epochs_done: sql`t.epochs_done DESC NULLS LAST, t.rank_key ASC NULLS LAST, t.ordinal`,
};

/** Which rows of a sweep's ranking to read. */
export interface RankingPageRequest {
  order?: RankingOrder;
  /** Only trials in this status; all when absent. */
  status?: TrialStatus;
  /** Rows to skip, in that order. */
  offset?: number;
  /** At most this many rows; null for all. */
  limit: number | null;
}

/** A row of `trial_ranking` with the trial's summary columns a table of trials shows. */
export interface RankedTrialRow extends TrialRankingRow {
  epochs_done: number;
  last_val_accuracy: number | null;
  mean_epoch_ms: number | null;
}

/**
 * A page of the sweep's `trial_ranking` rows (the same values: rank over the whole
 * sweep, ties sharing it) in `order`, read through that order's index: its cost is the
 * rows skipped and returned, not the sweep's size. In rank order without a status,
 * rank comes from the index scan itself; otherwise each returned row counts the
 * trials ranked before it.
 */
export function trialRankingPage(
  db: Queryable,
  sweepId: string,
  { order = "rank", status, offset = 0, limit }: RankingPageRequest,
): Promise<RankedTrialRow[]> {
  const rank =
    order === "rank" && status === undefined
      ? sql`rank() OVER (ORDER BY t.rank_key ASC NULLS LAST)`
      : sql`(SELECT count(*) + 1 FROM trials x WHERE x.sweep_id = t.sweep_id AND x.rank_key < t.rank_key)`;
  return db.query<RankedTrialRow>(sql`
    SELECT t.sweep_id, s.name AS sweep_name,
      CASE WHEN t.metric_value IS NULL THEN NULL ELSE (${rank})::int END AS rank,
      t.id AS trial_id, t.ordinal, t.name AS trial_name, t.params, t.status, t.best_val_loss, t.best_epoch,
      t.overfit_epoch, t.last_epoch, t.last_val_loss, t.val_accuracy_at_best, t.test_loss, t.test_accuracy,
      t.param_count, t.backend, t.epochs_planned,
      coalesce(s.config -> 'metric' ->> 'name', 'val_loss') AS metric_name,
      coalesce(s.config -> 'metric' ->> 'goal', 'minimize') AS metric_goal,
      t.metric_value,
      coalesce(t.test_weights, CASE WHEN t.test_loss IS NOT NULL THEN 'last' END) AS test_weights,
      CASE WHEN t.test_epoch IS NOT NULL THEN t.test_epoch WHEN t.test_loss IS NOT NULL THEN t.last_epoch END AS test_epoch,
      t.epochs_done, t.last_val_accuracy, t.mean_epoch_ms
    FROM trials t JOIN sweeps s ON s.id = t.sweep_id
    WHERE t.sweep_id = ${sweepId} ${status === undefined ? sql`` : sql`AND t.status = ${status}`}
    ORDER BY ${ORDER_BY[order]}
    LIMIT ${limit} OFFSET ${offset}`);
}

/** A trial as a sweep's tally counts it (`sweepTally`). */
export interface TrialTallyRow extends Record<string, unknown> {
  id: string;
  status: TrialStatus;
  epochs_done: number;
  epochs_planned: number;
  mean_epoch_ms: number | null;
}

/** What changed in a sweep since a reader's last read, and where to read from next time. */
export interface SweepChanges {
  trials: TrialTallyRow[];
  /**
   * The xmin of this read's snapshot: every trial written by a transaction this read
   * could not see has `change_xid >= since`. Pass it as `since` next time.
   */
  since: number;
}

/**
 * The sweep's trials written since `since` (every trial without it), in one snapshot:
 * the change marker of migration 0007 (`change_xid`, index `trials_change_idx`). A
 * trial written by a transaction still open at the last read is read again, so none
 * is missed; repeats are harmless to a reader that keeps the latest row by id.
 */
export async function sweepChanges(db: Queryable, sweepId: string, since?: number): Promise<SweepChanges> {
  const [mark] = await db.query<{ since: string }>(sql`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS since`);
  // One row holding a json array: a hundred thousand rows decode far faster so than one by one.
  const [rows] = await db.query<{ trials: [string, TrialStatus, number, number, number | null][] | null }>(sql`
    SELECT json_agg(json_build_array(id, status, epochs_done, epochs_planned, mean_epoch_ms)) AS trials FROM trials
    WHERE sweep_id = ${sweepId} ${since === undefined ? sql`` : sql`AND change_xid >= ${since}`}`);
  const trials = (rows?.trials ?? []).map(([id, status, epochs_done, epochs_planned, mean_epoch_ms]) => ({
    id,
    status,
    epochs_done,
    epochs_planned,
    mean_epoch_ms,
  }));
  return { trials, since: Number(mark?.since) };
}
