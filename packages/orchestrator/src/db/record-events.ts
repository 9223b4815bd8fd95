import { dbSchema, detectOverfit, type TrialEvent, type TrialRow } from "@sweep/core";
import { inArray, type SQL, sql } from "drizzle-orm";
import { applyEvent, type PendingEpoch, type RecordOutcome, type TrialState } from "./apply-event.js";
import type { SweepDatabase, SweepTransaction } from "./database.js";
import { refreshSweepStatus } from "./sweep-status.js";

const { trials } = dbSchema;

/**
 * The overfit rule for trials without `early_terminate`: val_loss above its best for
 * 2 epochs in a row (core's `early_terminate` default patience) while loss falls.
 */
export const DEFAULT_OVERFIT_RULE = { patience: 2, minDelta: 0 } as const;

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
 * overfit epoch are recomputed from all its rows, then each touched sweep's status.
 * A batch costs a fixed number of statements however many events it holds.
 */
export async function recordEvents(database: SweepDatabase, events: readonly TrialEvent[]): Promise<RecordOutcome[]> {
  if (events.length === 0) return [];
  return database.db.transaction(async (tx) => {
    const rows = await lockTrials(tx, events);
    const states = new Map(rows.map((row) => [row.id, { ...row, update: {} } as TrialState]));
    const pending = new Map<string, PendingEpoch>();
    const outcomes = events.map((event, index) => applyEvent(states.get(event.trialId), event, index, pending));
    const recompute = await dropEpochsAfterResume(tx, [...states.values()]);
    const stored = await upsertEpochs(tx, [...pending.values()], events);
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
    await refreshSweepStatus(
      tx,
      changed.map((row) => row.sweepId),
    );
    return outcomes;
  });
}

function lockTrials(tx: SweepTransaction, events: readonly TrialEvent[]): Promise<TrialRow[]> {
  const ids = [...new Set(events.map((event) => event.trialId))].sort();
  return tx.select().from(trials).where(inArray(trials.id, ids)).orderBy(trials.id).for("update");
}

/** Rows of a raw statement, whichever driver ran it (postgres.js: an array; PGlite: `{ rows }`). */
async function rowsOf<Row>(tx: SweepTransaction, query: SQL): Promise<Row[]> {
  const result = (await tx.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
}

/** A resumed attempt drops older attempts' epoch rows after its resume epoch; returns the trials it touched. */
async function dropEpochsAfterResume(tx: SweepTransaction, states: TrialState[]): Promise<Set<string>> {
  const cuts = states.flatMap((state) => (state.resumeCut ? [{ id: state.id, ...state.resumeCut }] : []));
  if (cuts.length === 0) return new Set();
  const dropped = await rowsOf<{ trial_id: string }>(
    tx,
    sql`DELETE FROM epochs e USING jsonb_to_recordset(${JSON.stringify(cuts)}::jsonb)
          AS c(id text, "afterEpoch" int, attempt int)
        WHERE e.trial_id = c.id AND e.epoch > c."afterEpoch" AND e.attempt < c.attempt
        RETURNING e.trial_id`,
  );
  return new Set(dropped.map((row) => row.trial_id));
}

/**
 * Upserts the pending rows as one jsonb parameter (a NaN that JSON turned into null
 * is stored as NaN); returns the `trialId:epoch` keys actually written.
 */
async function upsertEpochs(
  tx: SweepTransaction,
  pending: readonly PendingEpoch[],
  events: readonly TrialEvent[],
): Promise<Set<string>> {
  if (pending.length === 0) return new Set();
  const rows = pending.map(({ eventIndex, attempt, metrics }) => ({
    ...metrics,
    trial_id: (events[eventIndex] as TrialEvent).trialId,
    attempt,
  }));
  const nan = (column: string) => sql.raw(`coalesce(r.${column}, 'NaN')`);
  const written = await rowsOf<{ trial_id: string; epoch: number }>(
    tx,
    sql`INSERT INTO epochs (trial_id, epoch, loss, accuracy, val_loss, val_accuracy, duration_ms, images_per_s, attempt)
        SELECT r.trial_id, r.epoch, ${nan("loss")}, ${nan("accuracy")}, ${nan("val_loss")}, ${nan("val_accuracy")},
               ${nan("duration_ms")}, ${nan("images_per_s")}, r.attempt
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(trial_id text, epoch int, loss float8,
          accuracy float8, val_loss float8, val_accuracy float8, duration_ms float8, images_per_s float8, attempt int)
        ON CONFLICT (trial_id, epoch) DO UPDATE SET
          loss = excluded.loss, accuracy = excluded.accuracy, val_loss = excluded.val_loss,
          val_accuracy = excluded.val_accuracy, duration_ms = excluded.duration_ms,
          images_per_s = excluded.images_per_s, attempt = excluded.attempt, recorded_at = now()
        WHERE epochs.attempt < excluded.attempt
        RETURNING trial_id, epoch`,
  );
  return new Set(written.map((row) => `${row.trial_id}:${row.epoch}`));
}

/** Best val_loss, best epoch and overfit epoch from all of each trial's rows, by its own rule. */
async function recomputeOverfit(
  tx: SweepTransaction,
  rows: readonly TrialRow[],
  states: Map<string, TrialState>,
  trialIds: Set<string>,
): Promise<void> {
  if (trialIds.size === 0) return;
  const points = await rowsOf<{ trial_id: string; epoch: number; loss: number; val_loss: number }>(
    tx,
    sql`SELECT trial_id, epoch, loss, val_loss FROM epochs WHERE trial_id IN ${[...trialIds]} ORDER BY trial_id, epoch`,
  );
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

/** Writes the changed trials' mutable columns in one statement. */
async function writeTrials(tx: SweepTransaction, changed: readonly TrialRow[]): Promise<void> {
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
    error: row.error,
    started_at: row.startedAt,
    finished_at: row.finishedAt,
    duration_ms: row.durationMs,
  }));
  await tx.execute(sql`
    UPDATE trials t SET status = u.status, attempt = u.attempt, worker = u.worker, backend = u.backend,
      param_count = u.param_count, best_val_loss = u.best_val_loss, best_epoch = u.best_epoch,
      overfit_epoch = u.overfit_epoch, test_loss = u.test_loss, test_accuracy = u.test_accuracy, error = u.error,
      started_at = u.started_at, finished_at = u.finished_at, duration_ms = u.duration_ms
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS u(id text, status text, attempt int, worker text,
      backend text, param_count int, best_val_loss float8, best_epoch int, overfit_epoch int, test_loss float8,
      test_accuracy float8, error text, started_at timestamptz, finished_at timestamptz, duration_ms float8)
    WHERE t.id = u.id`);
}
