export { Dashboard, type DashboardProps } from "./components/Dashboard.js";
export { describeParams } from "./format.js";
export { type DashboardHandle, type RenderDashboardOptions, renderDashboard } from "./render-dashboard.js";
export { type RenderFrameOptions, renderDashboardFrame } from "./render-frame.js";
export type {
  DashboardSnapshot,
  EpochPoint,
  ModelLayerRow,
  SweepView,
  TrialView,
  WorkerView,
} from "./snapshot.js";
export type { SnapshotLoader } from "./use-snapshot.js";
export { SORT_METRICS, type SortMetric, STATUS_FILTERS, type StatusFilter, type ViewState } from "./view-state.js";
