export { Dashboard, type DashboardProps } from "./components/Dashboard.js";
export { describeParams } from "./format.js";
export { median, pageOf, type SweepState, tallyOf } from "./memory-pages.js";
export { type DashboardHandle, type RenderDashboardOptions, renderDashboard } from "./render-dashboard.js";
export { type RenderFrameOptions, renderDashboardFrame } from "./render-frame.js";
export {
  type DashboardSnapshot,
  type EpochPoint,
  type ModelLayerRow,
  type PageRequest,
  type PageView,
  SORT_METRICS,
  type SortMetric,
  STATUS_FILTERS,
  type StatusFilter,
  type SweepTally,
  type SweepView,
  type TrialView,
  type WorkerView,
} from "./snapshot.js";
export type { SnapshotLoader } from "./use-snapshot.js";
export { initialViewState, pageRequest, rowWindow, type ViewState } from "./view-state.js";
