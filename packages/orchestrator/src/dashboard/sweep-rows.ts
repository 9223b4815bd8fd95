import type { DecidedRung, SearchOutline } from "@sweep/core";
import type { EpochPoint, SweepView, WorkerView } from "@sweep/dashboard-tui";
import { listWorkers, type Queryable, sweepAtNow, sweepById, sweepRungDecisions, trialEpochs } from "@sweep/store";
import { storedSearchOutline } from "../controller/search-status.js";

/** The sweep on screen and the database's clock, read in one statement. */
export interface SweepAt {
  sweep: SweepView | null;
  /** The database's now() in ms: ages and elapsed times are measured on the clock that wrote the timestamps. */
  now: number;
}

/** The sweep whose id or name is `sweepRef`, or the latest sweep when it is undefined. */
export async function readSweep(db: Queryable, sweepRef: string | undefined): Promise<SweepAt> {
  const { now, sweep } = await sweepAtNow(db, sweepRef);
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

/** The search outline of the sweep's stored config; null for a sweep with neither a proposer nor rungs. */
export async function readSearchOutline(db: Queryable, sweepId: string): Promise<SearchOutline | null> {
  const sweep = await sweepById(db, sweepId);
  return sweep ? storedSearchOutline(sweep.config) : null;
}

/** The rung decisions of a sweep's trials, by trial, in epoch order: one query. */
export async function readRungs(db: Queryable, sweepId: string): Promise<Map<string, DecidedRung[]>> {
  const byTrial = new Map<string, DecidedRung[]>();
  for (const { trialId, epoch, rung, action } of await sweepRungDecisions(db, sweepId)) {
    const rungs = byTrial.get(trialId);
    if (rungs) rungs.push({ epoch, rung, action });
    else byTrial.set(trialId, [{ epoch, rung, action }]);
  }
  return byTrial;
}

export interface TrialCurve {
  points: EpochPoint[];
  lastValAccuracy: number | null;
}

/** The finished epochs, in order, of each of `trialIds` that has any. */
export async function readCurves(db: Queryable, trialIds: readonly string[]): Promise<Map<string, TrialCurve>> {
  if (trialIds.length === 0) return new Map();
  const curves = new Map<string, TrialCurve>();
  for (const row of await trialEpochs(db, trialIds)) {
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
export async function readWorkers(db: Queryable): Promise<WorkerView[]> {
  const rows = await listWorkers(db);
  const byHost = rows.sort((a, b) => (a.host === b.host ? 0 : a.host < b.host ? -1 : 1));
  return byHost.map((w) => ({
    id: w.id,
    host: w.host,
    threads: w.threads,
    backend: w.backend,
    imagesPerS: w.imagesPerS,
    lastSeen: w.lastSeen.getTime(),
    status: w.status,
  }));
}
