import { renderDashboard } from "@sweep/dashboard-tui";
import { getSweep, type SweepDatabase } from "@sweep/store";
import { snapshotLoader } from "./load-snapshot.js";

export interface DashboardRequest {
  /** Sweep id (or its start) or name; undefined follows the latest sweep. */
  sweepRef?: string;
  intervalMs: number;
}

/** `sweep dashboard`: resolves the sweep, then shows the dashboard until the user quits. */
export async function runDashboard(db: SweepDatabase, { sweepRef, intervalMs }: DashboardRequest): Promise<void> {
  // Before taking the screen, so an unknown sweep is one line on stderr (exit 2).
  const sweep = sweepRef === undefined ? undefined : await getSweep(db, sweepRef);
  await renderDashboard({ loadSnapshot: snapshotLoader(db, { sweepRef: sweep?.id }), intervalMs }).waitUntilExit();
}
