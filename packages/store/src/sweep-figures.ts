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

/** How many of the sweep's trials are in each status, by status. */
export function trialStatusCounts(db: Queryable, sweepId: string): Promise<{ status: string; trials: number }[]> {
  return db.query<{ status: string; trials: number }>(sql`
    SELECT status, count(*)::int AS trials FROM trials WHERE sweep_id = ${sweepId} GROUP BY status ORDER BY status`);
}

/** A worker that trained some of a sweep's trials, with its last heartbeat's threads and backend (null without one). */
export interface SweepWorker extends Record<string, unknown> {
  worker: string;
  host: string | null;
  threads: number | null;
  backend: string | null;
  trials: number;
}

/** The workers that ran the sweep's trials, by worker id. */
export function sweepWorkers(db: Queryable, sweepId: string): Promise<SweepWorker[]> {
  return db.query<SweepWorker>(sql`
    SELECT t.worker, w.host, w.threads, w.backend, count(*)::int AS trials
    FROM trials t LEFT JOIN workers w ON w.id = t.worker
    WHERE t.sweep_id = ${sweepId} AND t.worker IS NOT NULL
    GROUP BY t.worker, w.host, w.threads, w.backend ORDER BY t.worker`);
}

/** A sweep's trials and their epochs: recorded (a trial's summary `epochs_done`) and planned. */
export async function sweepEpochTotals(
  db: Queryable,
  sweepId: string,
): Promise<{ trials: number; epochsDone: number; epochsPlanned: number }> {
  const [row] = await db.query<{ trials: number; epochsDone: number; epochsPlanned: number }>(sql`
    SELECT count(*)::int AS trials, coalesce(sum(epochs_done), 0)::int AS "epochsDone",
      coalesce(sum(epochs_planned), 0)::int AS "epochsPlanned"
    FROM trials WHERE sweep_id = ${sweepId}`);
  return row ?? { trials: 0, epochsDone: 0, epochsPlanned: 0 };
}

/**
 * Refreshes the planner's statistics and the visibility map of the tables that grow
 * with a sweep (`VACUUM (ANALYZE)`), as autovacuum does on a server after a bulk load;
 * the embedded store has no autovacuum. Outside a transaction.
 */
export async function analyzeSweepTables(db: Queryable): Promise<void> {
  await db.query(sql`VACUUM (ANALYZE) trials, epochs`);
}
