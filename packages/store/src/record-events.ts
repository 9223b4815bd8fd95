import { DEFAULT_OVERFIT_RULE, detectOverfit, type TrialEvent } from "@sweep/core";
import { applyEvent, type PendingEpoch, type RecordOutcome, type TrialState } from "./apply-event.js";
import type { Queryable, SweepDatabase } from "./database.js";
import { deleteEpochsAfterResume, epochLosses, upsertEpochs } from "./epochs.js";
import { recordKeptWeights } from "./kept-weights.js";
import type { TrialRow } from "./schema.js";
import { sql } from "./sql.js";
import { refreshSweepStatus } from "./sweep-status.js";
import { refreshTrialSummaries } from "./trial-summaries.js";

/** Records one event in its own transaction. See `recordEvents`. */
export async function recordEvent(database: SweepDatabase, event: TrialEvent): Promise<RecordOutcome> {
  const [outcome] = await recordEvents(database, [event]);
  return outcome as RecordOutcome;
}

/**
 * Records a batch of events (in delivery order) in ONE transaction and returns each
 * one's outcome; safe to repeat (a redelivered batch records nothing twice).
 * Epoch rows are keyed by (trial, epoch): a newer attempt overwrites an older
 * attempt's row, never the reverse. The trial's best val_loss, best epoch and
 * overfit epoch are recomputed from all its rows, then its summary (`refreshTrialSummaries`)
 * and each touched sweep's status.
 * A batch costs a fixed number of statements however many events it holds.
 */
export async function recordEvents(database: SweepDatabase, events: readonly TrialEvent[]): Promise<RecordOutcome[]> {
  if (events.length === 0) return [];
  return database.transaction((tx) => recordEventBatch(tx, events));
}

/** `recordEvents` inside a transaction the caller holds (the search controller decides in the same one). */
export async function recordEventBatch(tx: Queryable, events: readonly TrialEvent[]): Promise<RecordOutcome[]> {
  if (events.length === 0) return [];
  const rows = await lockTrials(tx, [...new Set(events.map((event) => event.trialId))]);
  const states = new Map(rows.map((row) => [row.id, { ...row, update: {} } as TrialState]));
  const pending = new Map<string, PendingEpoch>();
  const outcomes = events.map((event, index) => applyEvent(states.get(event.trialId), event, index, pending));
  const recompute = await dropEpochsAfterResume(tx, [...states.values()]);
  const stored = await upsertEpochs(
    tx,
    [...pending.values()].map(({ eventIndex, attempt, metrics }) => ({
      ...metrics,
      trial_id: (events[eventIndex] as TrialEvent).trialId,
      attempt,
    })),
  );
  for (const [key, row] of pending) {
    if (stored.has(key)) recompute.add(key.slice(0, key.lastIndexOf(":")));
    else outcomes[row.eventIndex] = "duplicate";
  }
  await recomputeOverfit(tx, rows, states, recompute);
  const changed = rows.filter((row) => Object.keys(states.get(row.id)?.update ?? {}).length > 0);
  await writeTrials(
    tx,
    changed.map((row) => ({ ...row, ...states.get(row.id)?.update })),
  );
  await refreshTrialSummaries(
    tx,
    changed.map((row) => row.id),
  );
  await refreshSweepStatus(
    tx,
    changed.map((row) => row.sweepId),
  );
  await recordKeptWeights(
    tx,
    events.flatMap((event, index) =>
      outcomes[index] === "applied" && (event.type === "completed" || event.type === "pruned")
        ? (event.kept ?? []).map((record) => ({ ...record, trialId: event.trialId }))
        : [],
    ),
  );
  return outcomes;
}

/** Locks the trials' rows (in id order, so concurrent batches never deadlock) and returns them. */
export function lockTrials(db: Queryable, trialIds: readonly string[]): Promise<TrialRow[]> {
  return db.query<TrialRow>(sql`
    SELECT id, sweep_id AS "sweepId", ordinal, name, key, params, model, status, attempt, worker, backend,
      param_count AS "paramCount", epochs_planned AS "epochsPlanned", early_terminate AS "earlyTerminate",
      best_val_loss AS "bestValLoss", best_epoch AS "bestEpoch", overfit_epoch AS "overfitEpoch",
      test_loss AS "testLoss", test_accuracy AS "testAccuracy", test_weights AS "testWeights",
      test_epoch AS "testEpoch", error, created_at AS "createdAt",
      started_at AS "startedAt", finished_at AS "finishedAt", duration_ms AS "durationMs",
      epochs_done AS "epochsDone", last_epoch AS "lastEpoch", last_val_loss AS "lastValLoss",
      last_val_accuracy AS "lastValAccuracy", val_accuracy_at_best AS "valAccuracyAtBest",
      mean_epoch_ms AS "meanEpochMs", metric_value AS "metricValue", rank_key AS "rankKey",
      change_xid::float8 AS "changeXid"
    FROM trials WHERE id = ANY(${[...trialIds].sort()}::text[]) ORDER BY id FOR UPDATE`);
}

/** A resumed attempt drops older attempts' epoch rows after its resume epoch; returns the trials it touched. */
async function dropEpochsAfterResume(db: Queryable, states: TrialState[]): Promise<Set<string>> {
  const cuts = states.flatMap((state) => (state.resumeCut ? [{ id: state.id, ...state.resumeCut }] : []));
  if (cuts.length === 0) return new Set();
  return new Set(await deleteEpochsAfterResume(db, cuts));
}

/** Best val_loss, best epoch and overfit epoch from all of each trial's rows, by its own rule. */
async function recomputeOverfit(
  tx: Queryable,
  rows: readonly TrialRow[],
  states: Map<string, TrialState>,
  trialIds: Set<string>,
): Promise<void> {
  if (trialIds.size === 0) return;
  const points = await epochLosses(tx, [...trialIds]);
  const series = new Map<string, typeof points>();
  for (const point of points) series.set(point.trial_id, [...(series.get(point.trial_id) ?? []), point]);
  for (const row of rows) {
    const state = states.get(row.id);
    if (state === undefined || !trialIds.has(row.id)) continue;
    const rule = row.earlyTerminate
      ? { patience: row.earlyTerminate.patience, minDelta: row.earlyTerminate.min_delta }
      : DEFAULT_OVERFIT_RULE;
    const analysis = detectOverfit(series.get(row.id) ?? [], rule);
    Object.assign(state.update, {
      bestValLoss: analysis.bestValLoss,
      bestEpoch: analysis.bestEpoch,
      overfitEpoch: analysis.overfitEpoch,
    });
  }
}

/** The columns of a trial that recording changes. */
export type TrialWrite = Pick<
  TrialRow,
  | "id"
  | "status"
  | "attempt"
  | "worker"
  | "backend"
  | "paramCount"
  | "bestValLoss"
  | "bestEpoch"
  | "overfitEpoch"
  | "testLoss"
  | "testAccuracy"
  | "testWeights"
  | "testEpoch"
  | "error"
  | "startedAt"
  | "finishedAt"
  | "durationMs"
>;

/**
 * Writes the changed trials' mutable columns in one statement. It leaves `change_xid`
 * to `refreshTrialSummaries`, which every caller runs next on the same trials: a write
 * that changes no indexed column (most of a running trial's) stays a heap-only update.
 */
export async function writeTrials(db: Queryable, changed: readonly TrialWrite[]): Promise<void> {
  if (changed.length === 0) return;
  const rows = changed.map((row) => ({
    id: row.id,
    status: row.status,
    attempt: row.attempt,
    worker: row.worker,
    backend: row.backend,
    param_count: row.paramCount,
    best_val_loss: row.bestValLoss,
    best_epoch: row.bestEpoch,
    overfit_epoch: row.overfitEpoch,
    test_loss: row.testLoss,
    test_accuracy: row.testAccuracy,
    test_weights: row.testWeights,
    test_epoch: row.testEpoch,
    error: row.error,
    started_at: row.startedAt,
    finished_at: row.finishedAt,
    duration_ms: row.durationMs,
  }));
  await db.query(sql`
    UPDATE trials t SET status = u.status, attempt = u.attempt, worker = u.worker, backend = u.backend,
      param_count = u.param_count, best_val_loss = u.best_val_loss, best_epoch = u.best_epoch,
      overfit_epoch = u.overfit_epoch, test_loss = u.test_loss, test_accuracy = u.test_accuracy,
      test_weights = u.test_weights, test_epoch = u.test_epoch, error = u.error,
      started_at = u.started_at, finished_at = u.finished_at, duration_ms = u.duration_ms
    FROM jsonb_to_recordset(${rows}::jsonb) AS u(id text, status text, attempt int, worker text,
      backend text, param_count int, best_val_loss float8, best_epoch int, overfit_epoch int, test_loss float8,
      test_accuracy float8, test_weights text, test_epoch int, error text, started_at timestamptz, finished_at timestamptz, duration_ms float8)
    WHERE t.id = u.id`);
}
