export type { RecordOutcome } from "./apply-event.js";
export type { QueryResult, SweepDatabase, SweepDrizzle, SweepTransaction } from "./database.js";
export { DatabaseUnavailableError, isDatabaseUnavailableError } from "./errors.js";
export { getSweep, refuseChangedConfig } from "./find-sweep.js";
export { MIGRATIONS_FOLDER, shippedMigrations } from "./migrations.js";
export { openDatabase } from "./open.js";
export {
  type EpochCurveRow,
  epochCurves,
  listSweeps,
  type SweepSummary,
  type TrialRankingRow,
  trialRanking,
} from "./queries.js";
export { DEFAULT_OVERFIT_RULE, recordEvent, recordEvents } from "./record-events.js";
export type { OpenMode } from "./store-state.js";
export { createSweep, markSweepCancelled, type NewSweep, requeueTrials } from "./sweeps.js";
export {
  type DatabaseOptions,
  type DatabaseTarget,
  describeTarget,
  EMBEDDED_DIR_NAME,
  pgliteDataDir,
  resolveDatabaseTarget,
} from "./target.js";
export { listWorkers, recordHeartbeat, type WorkerListing } from "./workers.js";
