import type { EpochPoint, SweepView, WorkerView } from "@sweep/dashboard-tui";
import type { SqlReader } from "./sql-reader.js";

/** The sweep on screen and the database's clock, read in one statement. */
export interface SweepAt {
  sweep: SweepView | null;
  /** The database's now() in ms: ages and elapsed times are measured on the clock that wrote the timestamps. */
  now: number;
}

type SweepRow = { id: string; name: string; status: string; created_at: Date; finished_at: Date | null };

/** The sweep whose id or name is `sweepRef`, or the latest sweep when it is undefined. */
export async function readSweep(db: SqlReader, sweepRef: string | undefined): Promise<SweepAt> {
  const rows = await db.query<{ now: Date; sweep: SweepRow | null }>(
    `SELECT now() AS now, (
       SELECT row_to_json(s) FROM (
         SELECT id, name, status, created_at, finished_at FROM sweeps
         WHERE $1::text IS NULL OR id = $1 OR name = $1
         ORDER BY (id = $1) DESC, created_at DESC LIMIT 1
       ) s
     ) AS sweep`,
    [sweepRef ?? null],
  );
  const { now, sweep } = rows[0];
  return {
    now: new Date(now).getTime(),
    sweep: sweep && {
      id: sweep.id,
      name: sweep.name,
      status: sweep.status,
      createdAt: new Date(sweep.created_at).getTime(),
      finishedAt: sweep.finished_at === null ? null : new Date(sweep.finished_at).getTime(),
    },
  };
}

/** A trial row as the ranking query returns it, in `trial_ranking` order. */
export interface RankedTrialRow extends Record<string, unknown> {
  id: string;
  name: string;
  params: Record<string, unknown>;
  status: string;
  epochs_planned: number;
  best_val_loss: number | null;
  best_epoch: number | null;
  overfit_epoch: number | null;
  test_accuracy: number | null;
  rank: number | null;
}

/**
 * Every trial of the sweep from the ranking view `trial_ranking`, in its order (rank
 * 1 first; trials without a val_loss yet follow in launch order). Rank and overfit
 * epoch come from the same row, so the dashboard cannot disagree with the view.
 */
export async function readRankedTrials(db: SqlReader, sweepId: string): Promise<RankedTrialRow[]> {
  return db.query<RankedTrialRow>(
    `SELECT trial_id AS id, trial_name AS name, params, status, epochs_planned, best_val_loss, best_epoch,
            overfit_epoch, test_accuracy, rank
     FROM trial_ranking
     WHERE sweep_id = $1
     ORDER BY rank NULLS LAST, ordinal`,
    [sweepId],
  );
}

export interface TrialCurve {
  points: EpochPoint[];
  lastValAccuracy: number | null;
}

/** The finished epochs, in order, of each of `trialIds` that has any. */
export async function readCurves(db: SqlReader, trialIds: readonly string[]): Promise<Map<string, TrialCurve>> {
  if (trialIds.length === 0) return new Map();
  const rows = await db.query<{
    trial_id: string;
    epoch: number;
    loss: number;
    val_loss: number;
    val_accuracy: number;
    duration_ms: number;
  }>(
    `SELECT trial_id, epoch, loss, val_loss, val_accuracy, duration_ms
     FROM epochs WHERE trial_id = ANY($1::text[])
     ORDER BY trial_id, epoch`,
    [trialIds],
  );
  const curves = new Map<string, TrialCurve>();
  for (const row of rows) {
    let curve = curves.get(row.trial_id);
    if (!curve) {
      curve = { points: [], lastValAccuracy: null };
      curves.set(row.trial_id, curve);
    }
    curve.points.push({ epoch: row.epoch, loss: row.loss, valLoss: row.val_loss, durationMs: row.duration_ms });
    curve.lastValAccuracy = row.val_accuracy;
  }
  return curves;
}

/** Every worker that has sent a heartbeat, by host. */
export async function readWorkers(db: SqlReader): Promise<WorkerView[]> {
  const rows = await db.query<{
    id: string;
    host: string;
    threads: number;
    backend: string;
    images_per_s: number;
    last_seen: Date;
    status: string;
  }>("SELECT id, host, threads, backend, images_per_s, last_seen, status FROM workers ORDER BY host, id");
  return rows.map((w) => ({
    id: w.id,
    host: w.host,
    threads: w.threads,
    backend: w.backend,
    imagesPerS: w.images_per_s,
    lastSeen: new Date(w.last_seen).getTime(),
    status: w.status,
  }));
}
