import { type DecidedRung, type SearchOutline, STALE_WORKER_AFTER_MS } from "@sweep/core";

/**
 * What the dashboard shows at one moment. The caller's loader builds it from the
 * database (the orchestrator reads Postgres) for a `PageRequest`; the dashboard only
 * renders it, so this package never touches a database. It holds the rows around the
 * selection and the sweep's aggregates, never every trial: a frame costs what is on
 * screen, whatever the sweep's size.
 */
export interface DashboardSnapshot {
  /** The sweep on screen; null while the database holds none. */
  sweep: SweepView | null;
  /**
   * The rows of the ranking from `page.offset` on, in the requested order and filter
   * (`trial_ranking` order by default: rank 1 first, trials without a value after).
   */
  trials: TrialView[];
  page: PageView;
  tally: SweepTally;
  workers: WorkerView[];
  /**
   * The sweep's search as its config states it (`searchOutline`: the proposer's run_cap,
   * the rungs' eta and epochs); null for a sweep with neither, or while there is no sweep.
   */
  search: SearchOutline | null;
  /** When the loader read the database (ms since epoch); ages and ETA are measured from it. */
  takenAt: number;
}

/** Where `DashboardSnapshot.trials` sit in the whole (filtered, ordered) list. */
export interface PageView {
  /** The order and filter the rows are in (the request's). */
  sort: SortMetric;
  filter: StatusFilter;
  /** The position of `trials[0]`. */
  offset: number;
  /** Trials matching the filter. */
  total: number;
  /** The selected row's position: the selected trial's, if the loader found it, else the one asked for. */
  selectedIndex: number;
}

/** The sweep's aggregates over all its trials, whatever the page shows. */
export interface SweepTally {
  /** Trials by status. */
  statusCounts: Record<string, number>;
  trials: number;
  /** Finished epochs; a terminal trial counts all its planned epochs (a pruned one will run no more). */
  epochsDone: number;
  epochsPlanned: number;
  /** The median of the trials' mean epoch durations; null before the first epoch. */
  medianEpochMs: number | null;
  /** The best trial so far (rank 1) and its metric; null before any trial has one. */
  best: { name: string; metric: string; value: number } | null;
  /** Every stored rung decision of the sweep (empty without rungs). */
  rungDecisions: DecidedRung[];
}

/**
 * The orders `s` cycles through. `rank` keeps the ranking view's order; the others
 * sort best-first (lowest last val_loss, highest val and test accuracy, most epochs)
 * and leave trials without the value at the end; ties keep rank order.
 */
export const SORT_METRICS = ["rank", "last val_loss", "val accuracy", "test accuracy", "epoch"] as const;
export type SortMetric = (typeof SORT_METRICS)[number];

/** The statuses `f` cycles through; `all` shows every trial. */
export const STATUS_FILTERS = ["all", "running", "completed", "pruned", "failed", "queued", "cancelled"] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

/** What the dashboard asks its loader for: the order, the filter and the rows around the selection. */
export interface PageRequest {
  sort: SortMetric;
  filter: StatusFilter;
  /** The trial the selection follows, if known. */
  selectedTrialId: string | null;
  /** The selected row's position in the list, where the selection is when the trial is not found near it. */
  selectedIndex: number;
  /** How many rows the screen can show; the page holds these around the selection. */
  rows: number;
  /** Whether the detail pane is open: the selected trial's model table is read then. */
  detail: boolean;
}

export interface SweepView {
  id: string;
  name: string;
  /** queued | running | completed | cancelled. */
  status: string;
  /** ms since epoch. */
  createdAt: number;
  /** ms since epoch; null while the sweep runs. */
  finishedAt: number | null;
}

/** One finished epoch of a trial's learning curve (epoch is 1-based). */
export interface EpochPoint {
  epoch: number;
  loss: number;
  valLoss: number;
  durationMs: number;
}

/** One row of the `plot_model(show_shapes=True)` view of a trial's model. */
export interface ModelLayerRow {
  /** e.g. `conv2d_1 (Conv2D)`. */
  layer: string;
  /** e.g. `(None, 26, 26, 32)`. */
  outputShape: string;
  params: number;
}

export interface TrialView {
  id: string;
  /** Position in `trial_ranking` (1 = lowest best val_loss); null when not ranked yet. */
  rank: number | null;
  name: string;
  /** What differs from the base spec, as dotted path → value. */
  params: Record<string, unknown>;
  /** queued | running | completed | failed | pruned | cancelled. */
  status: string;
  epochsDone: number;
  epochsPlanned: number;
  bestValLoss: number | null;
  bestEpoch: number | null;
  /** First epoch of overfitting (core's detectOverfit, as recorded); null when none. */
  overfitEpoch: number | null;
  lastValLoss: number | null;
  /** val_accuracy of the last finished epoch. */
  valAccuracy: number | null;
  testAccuracy: number | null;
  /** Finished epochs in order. */
  curve: EpochPoint[];
  /** The model's layer table; empty when unknown. */
  model: ModelLayerRow[];
  /** Its stored hyperband rung decisions by epoch; empty without a hyperband rule or before its first rung. */
  rungs: DecidedRung[];
}

export interface WorkerView {
  id: string;
  host: string;
  threads: number;
  backend: string;
  imagesPerS: number;
  /** ms since epoch of the last heartbeat. */
  lastSeen: number;
  status: string;
}

/** Whether a worker missed three heartbeats (core's `STALE_WORKER_AFTER_MS`). */
export function isStale(worker: WorkerView, now: number): boolean {
  return now - worker.lastSeen > STALE_WORKER_AFTER_MS;
}
