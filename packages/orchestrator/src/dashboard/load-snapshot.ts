import { PRINTABLE_LENGTH, printable, type SearchOutline, type TrialStatus } from "@sweep/core";
import {
  type DashboardSnapshot,
  type ModelLayerRow,
  type PageRequest,
  rowWindow,
  type SnapshotLoader,
  type SortMetric,
  type SweepTally,
  tallyOf,
  type WorkerView,
} from "@sweep/dashboard-tui";
import { type Queryable, type RankedTrialRow, type RankingOrder, trialRankingPage } from "@sweep/store";
import { readModelTables } from "./model-tables.js";
import { readCurves, readSearchOutline, readSweep, readWorkers, type TrialCurve } from "./sweep-rows.js";
import { SweepTallyReader } from "./sweep-tally.js";
import { EMPTY_CURVE, trialView } from "./trial-views.js";

export interface SnapshotSource {
  /** The sweep's id or name; undefined follows the latest sweep. */
  sweepRef?: string;
}

/** The store's order for each of the dashboard's sorts. */
const ORDER_OF: Record<SortMetric, RankingOrder> = {
  rank: "rank",
  "last val_loss": "last_val_loss",
  "val accuracy": "last_val_accuracy",
  "test accuracy": "test_accuracy",
  epoch: "epochs_done",
};

/** What one sweep's loader keeps between frames: its tally, the page on screen, curves and layer tables. */
interface SweepReads {
  sweepId: string;
  tally: SweepTallyReader;
  search: SearchOutline | null;
  /** The last page read, and the request it answered. */
  page: { key: string; rows: RankedTrialRow[]; offset: number; total: number; selectedIndex: number } | null;
  /** Curves by trial, with the epochs_done they were read at. */
  curves: Map<string, { epochsDone: number; curve: TrialCurve }>;
  models: Map<string, ModelLayerRow[]>;
}

/**
 * A loader for the dashboard. Each call reads the sweep, the workers, what changed in
 * the sweep since the last call (`SweepTallyReader`: its counts, best trial and rung
 * decisions), and, when anything changed or the request did, the page of the ranking
 * around the selection in the requested order and filter (`trialRankingPage`, through
 * an index), the curves of its trials that changed and, with the detail open, the
 * selected trial's layer table. Its cost follows the rows on screen and the trials that
 * changed, not the sweep's size (the first call reads every trial's counted columns).
 */
export function snapshotLoader(db: Queryable, source: SnapshotSource = {}): SnapshotLoader {
  let reads: SweepReads | null = null;
  return async (request: PageRequest): Promise<DashboardSnapshot> => {
    const { sweep, now } = await readSweep(db, source.sweepRef);
    const workers = await readWorkers(db);
    if (!sweep) return printableSnapshot(emptySnapshot(workers, now, request));
    if (reads?.sweepId !== sweep.id) {
      const search = await readSearchOutline(db, sweep.id);
      reads = {
        sweepId: sweep.id,
        tally: new SweepTallyReader(sweep.id, Boolean(search?.rungs)),
        search,
        page: null,
        curves: new Map(),
        models: new Map(),
      };
    }
    const { tally, changed } = await reads.tally.refresh(db);
    const page = await readPage(db, reads, request, tally, changed);
    const selected = page.rows[page.selectedIndex - page.offset];
    if (request.detail && selected && !reads.models.has(selected.trial_id)) {
      for (const [id, table] of await readModelTables(db, [selected.trial_id])) reads.models.set(id, table);
    }
    const current = reads;
    const trials = page.rows.map((row) =>
      trialView(
        row,
        current.curves.get(row.trial_id)?.curve ?? EMPTY_CURVE,
        current.models.get(row.trial_id) ?? [],
        current.tally.rungsOf(row.trial_id),
      ),
    );
    return printableSnapshot({
      sweep,
      trials,
      page: {
        sort: request.sort,
        filter: request.filter,
        offset: page.offset,
        total: page.total,
        selectedIndex: page.selectedIndex,
      },
      tally,
      workers,
      search: reads.search,
      takenAt: now,
    });
  };
}

/**
 * The rows around the selection (`request.rows` of them, the selection inside), read
 * again only when a trial changed or the request did; the selection follows its trial
 * when the trial is within a screen of its row. Curves are read for the rows whose
 * trial changed since they were read.
 */
async function readPage(
  db: Queryable,
  reads: SweepReads,
  request: PageRequest,
  tally: SweepTally,
  changed: Set<string>,
): Promise<NonNullable<SweepReads["page"]>> {
  const key = JSON.stringify([
    request.sort,
    request.filter,
    request.selectedTrialId,
    request.selectedIndex,
    request.rows,
  ]);
  if (reads.page && reads.page.key === key && changed.size === 0) return reads.page;
  const status = request.filter === "all" ? undefined : (request.filter as TrialStatus);
  const total = status === undefined ? tally.trials : (tally.statusCounts[status] ?? 0);
  const asked = Math.max(0, Math.min(total - 1, request.selectedIndex));
  const first = Math.max(0, asked - request.rows);
  const rows = await trialRankingPage(db, reads.sweepId, {
    order: ORDER_OF[request.sort],
    status,
    offset: first,
    limit: 2 * request.rows + 1,
  });
  const found = rows.findIndex((row) => row.trial_id === request.selectedTrialId);
  const selectedIndex = found === -1 ? asked : first + found;
  const window = rowWindow(total, selectedIndex, request.rows);
  const shown = rows.slice(window.start - first, window.end - first);
  await readChangedCurves(db, reads, shown, changed);
  reads.page = { key, rows: shown, offset: window.start, total, selectedIndex };
  return reads.page;
}

/** Keeps the curves of the rows on screen: reads those not read yet or whose trial changed; forgets the rest. */
async function readChangedCurves(
  db: Queryable,
  reads: SweepReads,
  rows: readonly RankedTrialRow[],
  changed: Set<string>,
): Promise<void> {
  const stale = rows.filter((row) => {
    const cached = reads.curves.get(row.trial_id);
    return row.epochs_done > 0 && (!cached || changed.has(row.trial_id) || cached.epochsDone !== row.epochs_done);
  });
  const fresh = await readCurves(
    db,
    stale.map((row) => row.trial_id),
  );
  const onScreen = new Set(rows.map((row) => row.trial_id));
  for (const id of reads.curves.keys()) if (!onScreen.has(id)) reads.curves.delete(id);
  for (const row of stale)
    reads.curves.set(row.trial_id, { epochsDone: row.epochs_done, curve: fresh.get(row.trial_id) ?? EMPTY_CURVE });
}

function emptySnapshot(workers: WorkerView[], now: number, request: PageRequest): DashboardSnapshot {
  return {
    sweep: null,
    trials: [],
    page: { sort: request.sort, filter: request.filter, offset: 0, total: 0, selectedIndex: 0 },
    tally: tallyOf([]),
    workers,
    search: null,
    takenAt: now,
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
