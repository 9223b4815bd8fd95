import type { Queryable, SweepDatabase } from "./database.js";
import { openTrials } from "./open-trials.js";
import { sql } from "./sql.js";
import { refreshSweepStatus } from "./sweep-status.js";
import { CHANGE_XID } from "./trial-summaries.js";

/**
 * Cancels a sweep: its queued trials become cancelled at once; running ones stay
 * running until their worker's `cancelled` event. Returns both lists of trial ids.
 */
export async function markSweepCancelled(
  database: SweepDatabase,
  sweepId: string,
): Promise<{ cancelled: string[]; running: string[] }> {
  return database.transaction(async (tx) => {
    await setSweepCancelled(tx, sweepId);
    const cancelled = await cancelQueuedTrials(tx, sweepId);
    const running = (await openTrials(tx, sweepId)).filter((trial) => trial.status === "running");
    await refreshSweepStatus(tx, [sweepId]);
    return { cancelled, running: running.map((trial) => trial.id).sort() };
  });
}

/** Marks the sweep row cancelled. */
export async function setSweepCancelled(db: Queryable, sweepId: string): Promise<void> {
  await db.query(sql`UPDATE sweeps SET status = 'cancelled', updated_at = now() WHERE id = ${sweepId}`);
}

/** Cancels the sweep's queued trials; their ids, sorted. */
export async function cancelQueuedTrials(db: Queryable, sweepId: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>(sql`
    UPDATE trials SET status = 'cancelled', finished_at = now(), change_xid = ${CHANGE_XID}
    WHERE sweep_id = ${sweepId} AND status = 'queued'
    RETURNING id`);
  return rows.map((row) => row.id).sort();
}
