import type { TrialStatus } from "@sweep/core";
import type { Queryable, SweepDatabase } from "./database.js";
import { sql } from "./sql.js";
import { refreshSweepStatus } from "./sweep-status.js";
import { CHANGE_XID, refreshTrialSummaries } from "./trial-summaries.js";

/**
 * Puts the sweep's trials in `statuses` (never completed ones) back in the queue
 * for a retry or resume, and returns their ids. Their outcome (error, test metrics,
 * finish time) is cleared and attempt numbering restarts at 0 for the trial and its
 * kept epoch rows, so the freshly published message (delivery 1) may write them; a
 * `started` event then drops the rows after its resume epoch. A cancelled sweep
 * becomes active again. `except`: trials to leave as they are.
 */
export async function requeueTrials(
  database: SweepDatabase,
  sweepId: string,
  statuses: readonly TrialStatus[],
  except: readonly string[] = [],
): Promise<string[]> {
  const requeueable = statuses.filter((status) => status !== "completed");
  if (requeueable.length === 0) return [];
  return database.transaction(async (tx) => {
    const ids = await queueTrialsAgain(tx, sweepId, requeueable, except);
    await restartEpochAttempts(tx, ids);
    await refreshTrialSummaries(tx, ids);
    await refreshSweepStatus(tx, [sweepId], { reopen: ids.length > 0 });
    return ids;
  });
}

/** Sets the sweep's trials in `statuses` (but not `except`) queued at attempt 0, outcome cleared; their ids, sorted. */
export async function queueTrialsAgain(
  db: Queryable,
  sweepId: string,
  statuses: readonly TrialStatus[],
  except: readonly string[],
): Promise<string[]> {
  const rows = await db.query<{ id: string }>(sql`
    UPDATE trials SET status = 'queued', attempt = 0, error = NULL, test_loss = NULL, test_accuracy = NULL,
      finished_at = NULL, duration_ms = NULL, change_xid = ${CHANGE_XID}
    WHERE sweep_id = ${sweepId} AND status = ANY(${[...statuses]}::text[]) AND NOT (id = ANY(${[...except]}::text[]))
    RETURNING id`);
  return rows.map((row) => row.id).sort();
}

/** Sets the attempt of the trials' epoch rows to 0, so a new first delivery may overwrite them. */
export async function restartEpochAttempts(db: Queryable, trialIds: readonly string[]): Promise<void> {
  if (trialIds.length === 0) return;
  await db.query(sql`UPDATE epochs SET attempt = 0 WHERE trial_id = ANY(${[...trialIds]}::text[])`);
}
