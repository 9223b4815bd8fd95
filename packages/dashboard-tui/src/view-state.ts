import type { DashboardSnapshot, PageRequest, SortMetric, StatusFilter, TrialView } from "./snapshot.js";

export interface ViewState {
  sort: SortMetric;
  filter: StatusFilter;
  /** Follows the trial, not the row, across refreshes while it stays near its row. */
  selectedTrialId: string | null;
  /** The selected row's position in the filtered, ordered list. */
  selectedIndex: number;
  detailOpen: boolean;
}

export const initialViewState: ViewState = {
  sort: "rank",
  filter: "all",
  selectedTrialId: null,
  selectedIndex: 0,
  detailOpen: false,
};

export function nextOf<T>(values: readonly T[], current: T): T {
  return values[(values.indexOf(current) + 1) % values.length];
}

/** What to ask the loader for in `view` on a screen that shows `rows` ranking rows. */
export function pageRequest(view: ViewState, rows: number): PageRequest {
  return {
    sort: view.sort,
    filter: view.filter,
    selectedTrialId: view.selectedTrialId,
    selectedIndex: view.selectedIndex,
    rows,
    detail: view.detailOpen,
  };
}

type Key = (trial: TrialView) => number | null;
const sortKeys: Record<Exclude<SortMetric, "rank">, Key> = {
  "last val_loss": (t) => t.lastValLoss,
  "val accuracy": (t) => (t.valAccuracy === null ? null : -t.valAccuracy),
  "test accuracy": (t) => (t.testAccuracy === null ? null : -t.testAccuracy),
  epoch: (t) => -t.epochsDone,
};

/**
 * A list of trials in rank order, filtered by status, then ordered by the sort metric
 * (stable): the order a loader's pages follow (the orchestrator's reads it from indexes).
 */
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

/** The selected trial of a snapshot: the row at its page's selected position, if loaded. */
export function selectedTrial(snapshot: DashboardSnapshot | null): TrialView | null {
  if (!snapshot) return null;
  return snapshot.trials[snapshot.page.selectedIndex - snapshot.page.offset] ?? null;
}

/** The view with the selection moved `step` rows, clamped to the list. */
export function moveSelection(snapshot: DashboardSnapshot | null, view: ViewState, step: number): ViewState {
  if (!snapshot || snapshot.page.total === 0) return view;
  const from = snapshot.page.selectedIndex;
  const index = Math.min(snapshot.page.total - 1, Math.max(0, from + step));
  const trial = snapshot.trials[index - snapshot.page.offset];
  return { ...view, selectedIndex: index, selectedTrialId: trial?.id ?? null };
}

/** The slice of `count` rows to draw so that the selected row stays visible. */
export function rowWindow(total: number, selected: number, count: number): { start: number; end: number } {
  if (total <= count) return { start: 0, end: total };
  const start = Math.min(Math.max(0, selected - Math.floor(count / 2)), total - count);
  return { start, end: start + count };
}
