import { type DecidedRung, type SearchOutline, STALE_WORKER_AFTER_MS } from "@sweep/core";

/**
 * What the dashboard shows at one moment. The caller's loader builds it from the
 * database (the orchestrator reads Postgres); the dashboard only renders it, so this
 * package never touches a database.
 */
export interface DashboardSnapshot {
  /** The sweep on screen; null while the database holds none. */
  sweep: SweepView | null;
  /**
   * Every trial of the sweep, in the ranking view's order (`trial_ranking`: rank 1
   * first, trials without a val_loss yet after). The dashboard keeps this order for
   * its default sort.
   */
  trials: TrialView[];
  workers: WorkerView[];
  /**
   * The sweep's search as its config states it (`searchOutline`: the proposer's run_cap,
   * the rungs' eta and epochs); null for a sweep with neither, or while there is no sweep.
   */
  search: SearchOutline | null;
  /** When the loader read the database (ms since epoch); ages and ETA are measured from it. */
  takenAt: number;
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
