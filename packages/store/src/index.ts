/**
 * @sweep/store: the sweep database. The drizzle schema (`schema.ts`, from which
 * drizzle-kit generates the migrations in drizzle/), opening PGlite or Postgres, and
 * every SQL statement of the project, one exported function each.
 *
 * One query style: statements are `sql` tagged templates (sql.ts) run by
 * `Queryable.query`, the one method both drivers and their transactions provide. Not
 * drizzle's query builder: the statements that matter most (the recorder's batch
 * upserts from one jsonb parameter, the views, lateral joins, `FOR UPDATE`) are SQL
 * that the builder can only wrap in raw fragments, and the dashboard, `sweep sql` and
 * docs/sql.md speak plain SQL. The template reads as the statement Postgres runs while
 * every value stays a parameter.
 */
export type { RecordOutcome } from "./apply-event.js";
export { cancelQueuedTrials, markSweepCancelled, setSweepCancelled } from "./cancel.js";
export type { Queryable, QueryResult, SweepDatabase } from "./database.js";
export {
  deleteEpochsAfterResume,
  type EpochLoss,
  type EpochUpsert,
  epochLosses,
  insertEpochRows,
  upsertEpochs,
} from "./epochs.js";
export { DatabaseUnavailableError, describeDriverError, isDatabaseUnavailableError } from "./errors.js";
export {
  checkSweepRef,
  getSweep,
  newestSweep,
  refuseChangedConfig,
  type SweepHeader,
  sweepAtNow,
  sweepsMatching,
  sweepsNamed,
} from "./find-sweep.js";
export {
  type KeptBeyondTop,
  type KeptWeightsListing,
  keptBeyondTop,
  markKeptDropped,
  recordKeptWeights,
  sweepKeptWeights,
  trialKeptWeights,
} from "./kept-weights.js";
export { MIGRATIONS_FOLDER, type ShippedMigration, shippedMigrations } from "./migrations.js";
export { openDatabase } from "./open.js";
export { openPglite, SERVED_STORE_URL, servedStoreSocket } from "./open-pglite.js";
export { type OpenTrial, openTrials } from "./open-trials.js";
export {
  RANKING_ORDERS,
  type RankedTrialRow,
  type RankingOrder,
  type RankingPageRequest,
  type SweepChanges,
  sweepChanges,
  type TrialTallyRow,
  trialRankingPage,
} from "./ranking-page.js";
export {
  lockTrials,
  recordEvent,
  recordEventBatch,
  recordEvents,
  type TrialWrite,
  writeTrials,
} from "./record-events.js";
export { queueTrialsAgain, requeueTrials, restartEpochAttempts } from "./requeue.js";
export {
  lockSweepDecisions,
  type NewRungDecision,
  type PendingPrune,
  pendingPrunes,
  recordRungDecision,
  sweepRungDecisions,
  trialRungDecisions,
} from "./rung-decisions.js";
export type { EpochRow, KeptWeightsRow, RungDecisionRow, SweepRow, TrialRow, WorkerRow } from "./schema.js";
export {
  epochMetricOfSweep,
  liveWorkerThreads,
  plannedEpochs,
  type SearchHistoryRow,
  searchHistory,
  unfinishedSweeps,
} from "./search-history.js";
export { SqlStatement, sql } from "./sql.js";
export { releaseStoreLockOf } from "./store-lock.js";
export type { OpenMode } from "./store-state.js";
export {
  analyzeSweepTables,
  countSweepEpochs,
  type SweepWorker,
  sweepEpochTotals,
  sweepWallSeconds,
  sweepWorkers,
  trialStatusCounts,
  trialsPerWorker,
} from "./sweep-figures.js";
export { listSweeps, type SweepSummary } from "./sweep-list.js";
export { refreshSweepStatus } from "./sweep-status.js";
export { createSweep, insertSweep, insertTrials, type NewSweep, sweepById } from "./sweeps.js";
export {
  type DatabaseOptions,
  type DatabaseTarget,
  describeServer,
  describeTarget,
  EMBEDDED_DIR_NAME,
  pgliteDataDir,
  resolveDatabaseTarget,
} from "./target.js";
export {
  type TrialEpoch,
  type TrialHeader,
  type TrialModel,
  type TrialScore,
  trialEpochs,
  trialHeader,
  trialModels,
  trialScores,
} from "./trial-reads.js";
export { CHANGE_XID, refreshTrialSummaries } from "./trial-summaries.js";
export { type EpochCurveRow, epochCurves, type TrialRankingRow, trialRanking } from "./views.js";
export { listWorkers, recordHeartbeat, type WorkerListing } from "./workers.js";
