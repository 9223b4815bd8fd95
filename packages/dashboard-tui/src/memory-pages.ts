import { isTerminal, type SearchOutline } from "@sweep/core";
import type { DashboardSnapshot, PageRequest, SweepTally, SweepView, TrialView, WorkerView } from "./snapshot.js";
import { rowWindow, visibleTrials } from "./view-state.js";

/** A sweep with every trial in memory, in rank order: what a small sweep's loader or a test holds. */
export interface SweepState {
  sweep: SweepView | null;
  trials: TrialView[];
  workers: WorkerView[];
  search: SearchOutline | null;
  takenAt: number;
}

/**
 * The snapshot a loader answers `request` with for a sweep held in memory: the rows
 * around the selection and the tally of all trials. The reference for loaders that
 * read pages from a database: same order, same selection rule.
 */
export function pageOf(state: SweepState, request: PageRequest): DashboardSnapshot {
  const shown = visibleTrials(state.trials, request);
  const found = shown.findIndex((t) => t.id === request.selectedTrialId);
  const selectedIndex = found === -1 ? Math.max(0, Math.min(shown.length - 1, request.selectedIndex)) : found;
  const window = rowWindow(shown.length, selectedIndex, request.rows);
  return {
    sweep: state.sweep,
    trials: shown.slice(window.start, window.end),
    page: { sort: request.sort, filter: request.filter, offset: window.start, total: shown.length, selectedIndex },
    tally: tallyOf(state.trials),
    workers: state.workers,
    search: state.search,
    takenAt: state.takenAt,
  };
}

/** The tally of a list of trials: counts, epochs, the median of their mean epoch durations, the best. */
export function tallyOf(trials: readonly TrialView[]): SweepTally {
  const statusCounts: Record<string, number> = {};
  let epochsDone = 0;
  let epochsPlanned = 0;
  const means: number[] = [];
  for (const trial of trials) {
    statusCounts[trial.status] = (statusCounts[trial.status] ?? 0) + 1;
    epochsPlanned += trial.epochsPlanned;
    epochsDone += isTerminal(trial.status) ? trial.epochsPlanned : Math.min(trial.epochsDone, trial.epochsPlanned);
    if (trial.curve.length > 0) means.push(trial.curve.reduce((sum, p) => sum + p.durationMs, 0) / trial.curve.length);
  }
  const best = trials.find((t) => t.rank === 1 && t.bestValLoss !== null);
  return {
    statusCounts,
    trials: trials.length,
    epochsDone,
    epochsPlanned,
    medianEpochMs: median(means),
    best: best ? { name: best.name, metric: "val_loss", value: best.bestValLoss as number } : null,
    rungDecisions: trials.flatMap((t) => t.rungs),
  };
}

/** The median of `values`; null for none. Linear time (quickselect on a copy), for the tally of a large sweep. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const copy = Float64Array.from(values);
  const middle = Math.floor(copy.length / 2);
  const upper = select(copy, middle);
  if (copy.length % 2 === 1) return upper;
  let lower = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < middle; i++) lower = Math.max(lower, copy[i] as number);
  return (lower + upper) / 2;
}

/** The k-th smallest of `a` (0-based), leaving smaller values before index k (Hoare's selection). */
function select(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (left < right) {
    const pivot = a[(left + right) >> 1] as number;
    let i = left;
    let j = right;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k] as number;
}
