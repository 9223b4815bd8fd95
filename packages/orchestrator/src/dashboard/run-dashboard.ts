import { renderDashboard } from "@sweep/dashboard-tui";
import { getSweep, openDatabase, resolveDatabaseTarget } from "../db/index.js";
import { snapshotLoader } from "./load-snapshot.js";

export interface DashboardCommand {
  /** Sweep id (or its start) or name; undefined follows the latest sweep. */
  sweepRef?: string;
  /** `--db`; undefined falls back to DATABASE_URL, then the embedded store. */
  db?: string;
  intervalMs: number;
}

/** `sweep dashboard`: opens the database, resolves the sweep, shows the dashboard until the user quits. */
export async function runDashboard({ sweepRef, db, intervalMs }: DashboardCommand): Promise<void> {
  const database = await openDatabase(resolveDatabaseTarget({ db }));
  try {
    // Before taking the screen, so an unknown sweep is one line on stderr (exit 2).
    const sweep = sweepRef === undefined ? undefined : await getSweep(database, sweepRef);
    await renderDashboard({
      loadSnapshot: snapshotLoader(database, { sweepRef: sweep?.id }),
      intervalMs,
    }).waitUntilExit();
  } finally {
    await database.close();
  }
}
