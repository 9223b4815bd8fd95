import { describeValue, UsageError } from "@sweep/core";
import { renderDashboard } from "@sweep/dashboard-tui";
import { snapshotLoader } from "./load-snapshot.js";
import { openDatabase, resolveDatabaseTarget } from "./stand-in-storage.js";
import { readSweep } from "./sweep-rows.js";

export interface DashboardCommand {
  /** Sweep id or name; undefined follows the latest sweep. */
  sweepRef?: string;
  /** `--db`; undefined falls back to DATABASE_URL, then the embedded store. */
  db?: string;
  intervalMs: number;
}

/** `sweep dashboard`: opens the database, checks the sweep exists, shows the dashboard until the user quits. */
export async function runDashboard({ sweepRef, db, intervalMs }: DashboardCommand): Promise<void> {
  const database = await openDatabase(resolveDatabaseTarget({ db }));
  try {
    // One read before taking the screen: an unreachable database or unknown sweep fails here, on one line.
    const { sweep } = await readSweep(database, sweepRef);
    if (sweepRef !== undefined && sweep === null) {
      throw new UsageError(`argument <sweep>: no sweep has the id or name ${describeValue(sweepRef)}`, "sweep");
    }
    await renderDashboard({ loadSnapshot: snapshotLoader(database, { sweepRef }), intervalMs }).waitUntilExit();
  } finally {
    await database.close();
  }
}
