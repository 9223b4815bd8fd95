import type { Queryable } from "./database.js";
import { sql } from "./sql.js";

/**
 * The SQL value of a trial's change marker (`trials.change_xid`): the id of the
 * transaction writing it. Every statement that updates a trial row sets it.
 */
export const CHANGE_XID = sql`(pg_current_xact_id()::text)::bigint`;

/**
 * Recomputes the summaries of the trials' epoch rows (`epochs_done`, `last_epoch`,
 * `last_val_loss`, `last_val_accuracy`, `val_accuracy_at_best`, `mean_epoch_ms`, the
 * sweep's `metric_value` and its `rank_key`) and marks them changed, by the database
 * function `refresh_trial_summaries` of migration 0008 (0007 backfilled the same values).
 * Its computation is `trial_ranking`'s of migration 0003, so the view over these columns
 * gives its values: the metric is the best epoch value toward the sweep's goal
 * (Postgres' min/max: NaN above every number, NULL ignored), or the final
 * test_loss/test_accuracy, or best_val_loss for val_loss minimized. Run it after the
 * trials' best epoch and test metrics are written, in the same transaction (the
 * recorder's, a requeue's).
 */
export async function refreshTrialSummaries(db: Queryable, trialIds: readonly string[]): Promise<void> {
  if (trialIds.length === 0) return;
  await db.query(sql`SELECT refresh_trial_summaries(${[...trialIds]}::text[])`);
}
