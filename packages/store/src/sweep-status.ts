import type { Queryable } from "./database.js";
import { sql } from "./sql.js";

/**
 * Derives each sweep's status from its trials: completed once every trial is
 * terminal (finished_at set then), running once any trial left the queue, else
 * queued. A cancelled sweep stays cancelled unless `reopen` (a retry or resume).
 */
export async function refreshSweepStatus(
  db: Queryable,
  sweepIds: readonly string[],
  options: { reopen?: boolean } = {},
): Promise<void> {
  if (sweepIds.length === 0) return;
  const keepCancelled = options.reopen !== true;
  await db.query(sql`
    UPDATE sweeps s SET
      status = CASE
        WHEN ${keepCancelled}::boolean AND s.status = 'cancelled' THEN 'cancelled'
        WHEN NOT EXISTS (SELECT 1 FROM trials t WHERE t.sweep_id = s.id AND t.status IN ('queued', 'running'))
          THEN 'completed'
        WHEN EXISTS (SELECT 1 FROM trials t WHERE t.sweep_id = s.id AND t.status <> 'queued') THEN 'running'
        ELSE 'queued'
      END,
      finished_at = CASE
        WHEN NOT EXISTS (SELECT 1 FROM trials t WHERE t.sweep_id = s.id AND t.status IN ('queued', 'running'))
          THEN coalesce(s.finished_at, now())
      END,
      updated_at = now()
    WHERE s.id = ANY(${[...new Set(sweepIds)]}::text[])`);
}
