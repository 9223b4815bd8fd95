import type { Queryable } from "./database.js";
import { sql } from "./sql.js";

/** Seconds from the sweep's first trial start to its last trial finish; null before both. */
export async function sweepWallSeconds(db: Queryable, sweepId: string): Promise<number | null> {
  const [row] = await db.query<{ wall_s: number | null }>(sql`
    SELECT extract(epoch FROM max(finished_at) - min(started_at))::float AS wall_s
    FROM trials WHERE sweep_id = ${sweepId}`);
  return row?.wall_s ?? null;
}

/** How many epoch rows the sweep's trials have. */
export async function countSweepEpochs(db: Queryable, sweepId: string): Promise<number> {
  const [row] = await db.query<{ epochs: number }>(sql`
    SELECT count(*)::int AS epochs FROM epochs e JOIN trials t ON t.id = e.trial_id WHERE t.sweep_id = ${sweepId}`);
  return row?.epochs ?? 0;
}

/** How many of the sweep's trials each worker ran, by worker. */
export function trialsPerWorker(db: Queryable, sweepId: string): Promise<{ worker: string; trials: number }[]> {
  return db.query<{ worker: string; trials: number }>(sql`
    SELECT worker, count(*)::int AS trials FROM trials WHERE sweep_id = ${sweepId} GROUP BY worker ORDER BY worker`);
}
