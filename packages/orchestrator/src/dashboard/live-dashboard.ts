import { type DashboardHandle, renderDashboard } from "@sweep/dashboard-tui";
import type { Queryable } from "@sweep/store";
import { snapshotLoader } from "./load-snapshot.js";

export interface LiveDashboardOptions {
  /** Refresh period in ms (default 1000). */
  intervalMs?: number;
  /** The terminal to draw on; default process.stdout. */
  stdout?: NodeJS.WriteStream;
  /**
   * Ctrl+C while the dashboard is up (the terminal is in raw mode, so it is input,
   * not a signal). Default: raise SIGINT in this process, so the caller's own
   * SIGINT handling (cancel the trials, restore, exit) runs as without a dashboard.
   */
  onInterrupt?: () => void;
}

/**
 * Shows a running sweep on the terminal while `sweep run` trains it (the caller
 * starts it only when stdout is a terminal). The caller keeps owning `db`; `close()`
 * stops the display (call it when the sweep ends), and `waitUntilExit()` also
 * resolves when the user quits the dashboard with q.
 */
export function startLiveDashboard(
  db: Queryable,
  sweepId: string,
  options: LiveDashboardOptions = {},
): DashboardHandle {
  const loadSnapshot = snapshotLoader(db, { sweepRef: sweepId });
  const onInterrupt = options.onInterrupt ?? (() => process.kill(process.pid, "SIGINT"));
  return renderDashboard({ loadSnapshot, intervalMs: options.intervalMs, stdout: options.stdout, onInterrupt });
}
