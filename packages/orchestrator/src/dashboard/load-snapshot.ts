import { type DecidedRung, isTerminal, PRINTABLE_LENGTH, printable, type SearchOutline } from "@sweep/core";
import type { DashboardSnapshot, ModelLayerRow, SnapshotLoader, TrialView } from "@sweep/dashboard-tui";
import { type Queryable, type TrialRankingRow, trialRanking } from "@sweep/store";
import { readModelTables } from "./model-tables.js";
import { readCurves, readRungs, readSearchOutline, readSweep, readWorkers, type TrialCurve } from "./sweep-rows.js";

/**
 * What the dashboard already read and will not read again: the curves of finished
 * trials (a terminal trial is never modified), every trial's layer table (a trial's
 * model never changes) and each sweep's search outline (its config never changes). A trial
 * seen running again (a retry) is dropped.
 */
class ReadCache {
  readonly finishedCurves = new Map<string, TrialCurve>();
  readonly modelTables = new Map<string, ModelLayerRow[]>();
  private readonly outlines = new Map<string, SearchOutline | null>();

  async outlineOf(db: Queryable, sweepId: string): Promise<SearchOutline | null> {
    if (!this.outlines.has(sweepId)) this.outlines.set(sweepId, await readSearchOutline(db, sweepId));
    return this.outlines.get(sweepId) ?? null;
  }
}

export interface TrialViewOptions {
  cache?: ReadCache;
  /** Read the trials' rung decisions (one query): for a sweep with rungs (a hyperband rule). */
  rungs?: boolean;
}

/** The trials of one sweep as the dashboard and the plots show them, in `trial_ranking` order. */
export async function readTrialViews(
  db: Queryable,
  sweepId: string,
  { cache = new ReadCache(), rungs = false }: TrialViewOptions = {},
): Promise<TrialView[]> {
  const ranked = await trialRanking(db, sweepId);
  for (const row of ranked) if (!isTerminal(row.status)) cache.finishedCurves.delete(row.trial_id);
  const toRead = ranked.filter((row) => !cache.finishedCurves.has(row.trial_id)).map((row) => row.trial_id);
  const fresh = await readCurves(db, toRead);
  const withoutModel = ranked.filter((row) => !cache.modelTables.has(row.trial_id)).map((row) => row.trial_id);
  for (const [id, table] of await readModelTables(db, withoutModel)) cache.modelTables.set(id, table);
  for (const row of ranked)
    if (isTerminal(row.status) && toRead.includes(row.trial_id))
      cache.finishedCurves.set(row.trial_id, fresh.get(row.trial_id) ?? EMPTY_CURVE);
  const decisions = rungs ? await readRungs(db, sweepId) : new Map<string, DecidedRung[]>();
  return ranked.map((row) => {
    const curve = cache.finishedCurves.get(row.trial_id) ?? fresh.get(row.trial_id) ?? EMPTY_CURVE;
    return trialView(row, curve, cache, decisions.get(row.trial_id) ?? []);
  });
}

const EMPTY_CURVE: TrialCurve = { points: [], lastValAccuracy: null };

function trialView(row: TrialRankingRow, curve: TrialCurve, cache: ReadCache, rungs: DecidedRung[]): TrialView {
  return {
    id: row.trial_id,
    rank: row.rank,
    name: row.trial_name,
    params: row.params,
    status: row.status,
    epochsDone: curve.points.length,
    epochsPlanned: row.epochs_planned,
    bestValLoss: row.best_val_loss,
    bestEpoch: row.best_epoch,
    overfitEpoch: row.overfit_epoch,
    lastValLoss: curve.points.at(-1)?.valLoss ?? null,
    valAccuracy: curve.lastValAccuracy,
    testAccuracy: row.test_accuracy,
    curve: curve.points,
    model: cache.modelTables.get(row.trial_id) ?? [],
    rungs,
  };
}

export interface SnapshotSource {
  /** The sweep's id or name; undefined follows the latest sweep. */
  sweepRef?: string;
}

/**
 * A loader for the dashboard: each call reads the sweep, its ranking, the curves
 * of unfinished trials, the rung decisions of a sweep with rungs and the workers
 * through `db`; a sweep's search once.
 */
export function snapshotLoader(db: Queryable, source: SnapshotSource = {}): SnapshotLoader {
  const cache = new ReadCache();
  return async (): Promise<DashboardSnapshot> => {
    const { sweep, now } = await readSweep(db, source.sweepRef);
    const workers = await readWorkers(db);
    const search = sweep ? await cache.outlineOf(db, sweep.id) : null;
    const trials = sweep ? await readTrialViews(db, sweep.id, { cache, rungs: Boolean(search?.rungs) }) : [];
    return printableSnapshot({ sweep, trials, workers, search, takenAt: now });
  };
}

/** The snapshot with every text read from the database made printable (see `printable`), for the terminal. */
function printableSnapshot(snapshot: DashboardSnapshot): DashboardSnapshot {
  const text = (value: string) => printable(value, PRINTABLE_LENGTH.cell);
  const { sweep, trials, workers } = snapshot;
  return {
    ...snapshot,
    sweep: sweep && { ...sweep, id: text(sweep.id), name: text(sweep.name), status: text(sweep.status) },
    trials: trials.map((t) => ({ ...t, id: text(t.id), name: text(t.name), status: text(t.status) })),
    workers: workers.map((w) => ({ ...w, id: text(w.id), host: text(w.host), backend: text(w.backend) })),
  };
}
