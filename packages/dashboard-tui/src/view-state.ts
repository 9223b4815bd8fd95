import type { TrialView } from "./snapshot.js";

/**
 * The orders `s` cycles through. `rank` keeps the ranking view's order; the others
 * sort best-first and leave trials without the value at the end.
 */
export const SORT_METRICS = ["rank", "last val_loss", "val accuracy", "test accuracy", "epoch"] as const;
export type SortMetric = (typeof SORT_METRICS)[number];

/** The statuses `f` cycles through; `all` shows every trial. */
export const STATUS_FILTERS = ["all", "running", "completed", "pruned", "failed", "queued", "cancelled"] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export interface ViewState {
  sort: SortMetric;
  filter: StatusFilter;
  /** Follows the trial, not the row, across refreshes and re-sorts. */
  selectedTrialId: string | null;
  detailOpen: boolean;
}

export const initialViewState: ViewState = { sort: "rank", filter: "all", selectedTrialId: null, detailOpen: false };

export function nextOf<T>(values: readonly T[], current: T): T {
  return values[(values.indexOf(current) + 1) % values.length];
}

type Key = (trial: TrialView) => number | null;
const sortKeys: Record<Exclude<SortMetric, "rank">, Key> = {
  "last val_loss": (t) => t.lastValLoss,
  "val accuracy": (t) => (t.valAccuracy === null ? null : -t.valAccuracy),
  "test accuracy": (t) => (t.testAccuracy === null ? null : -t.testAccuracy),
  epoch: (t) => -t.epochsDone,
};

/** The trials on screen: filtered by status, then ordered by the sort metric (stable). */
export function visibleTrials(trials: readonly TrialView[], view: Pick<ViewState, "sort" | "filter">): TrialView[] {
  const shown = view.filter === "all" ? [...trials] : trials.filter((t) => t.status === view.filter);
  if (view.sort === "rank") return shown;
  const key = sortKeys[view.sort];
  return shown
    .map((trial, position) => ({ trial, position, value: key(trial) }))
    .sort((a, b) => {
      if (a.value === null || b.value === null)
        return a.value === b.value ? a.position - b.position : a.value === null ? 1 : -1;
      return a.value - b.value || a.position - b.position;
    })
    .map((entry) => entry.trial);
}

/** The selected row's index in `shown`: the selected trial's, else the first row. */
export function selectedIndex(shown: readonly TrialView[], selectedTrialId: string | null): number {
  const index = shown.findIndex((t) => t.id === selectedTrialId);
  return index === -1 ? 0 : index;
}

/** Moves the selection `step` rows, clamped to the list. */
export function moveSelection(
  shown: readonly TrialView[],
  selectedTrialId: string | null,
  step: number,
): string | null {
  if (shown.length === 0) return selectedTrialId;
  const index = Math.min(shown.length - 1, Math.max(0, selectedIndex(shown, selectedTrialId) + step));
  return shown[index].id;
}

/** The slice of `count` rows to draw so that the selected row stays visible. */
export function rowWindow(total: number, selected: number, count: number): { start: number; end: number } {
  if (total <= count) return { start: 0, end: total };
  const start = Math.min(Math.max(0, selected - Math.floor(count / 2)), total - count);
  return { start, end: start + count };
}
