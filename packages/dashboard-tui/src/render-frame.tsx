import { renderToString } from "ink";
import { DashboardScreen } from "./components/DashboardScreen.js";
import type { DashboardSnapshot } from "./snapshot.js";
import { initialViewState, type ViewState } from "./view-state.js";

export interface RenderFrameOptions {
  columns?: number;
  rows?: number;
  view?: Partial<ViewState>;
}

/** One dashboard frame as text, without a terminal (benchmarks, snapshots in docs). */
export function renderDashboardFrame(snapshot: DashboardSnapshot, options: RenderFrameOptions = {}): string {
  return renderToString(
    <DashboardScreen
      snapshot={snapshot}
      connectionError={null}
      view={{ ...initialViewState, ...options.view }}
      columns={options.columns ?? 160}
      rows={options.rows ?? 50}
    />,
    { columns: options.columns ?? 160 },
  );
}
