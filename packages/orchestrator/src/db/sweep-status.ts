import { sql } from "drizzle-orm";
import type { SweepTransaction } from "./database.js";

/**
 * Derives each sweep's status from its trials: completed once every trial is
 * terminal (finished_at set then), running once any trial left the queue, else
 * queued. A cancelled sweep stays cancelled unless `reopen` (a retry or resume).
 */
export async function refreshSweepStatus(
  tx: SweepTransaction,
  sweepIds: readonly string[],
  options: { reopen?: boolean } = {},
): Promise<void> {
  if (sweepIds.length === 0) return;
  const keepCancelled = options.reopen ? sql`false` : sql`s.status = 'cancelled'`;
  await tx.execute(sql`
    UPDATE sweeps s SET
      status = CASE
        WHEN ${keepCancelled} THEN 'cancelled'
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
    WHERE s.id IN ${[...new Set(sweepIds)]}`);
}
