import { dbSchema, type EarlyTerminate, type EpochMetrics, type TrialEvent } from "@sweep/core";
import { and, asc, eq, gt, inArray, lt, sql } from "drizzle-orm";
import { applyEvent, type PendingEpoch, type RecordOutcome, type TrialState } from "./apply-event.js";
import type { SweepDatabase, SweepTransaction } from "./database.js";
import { detectOverfit } from "./stand-in-overfit.js";
import { refreshSweepStatus } from "./sweep-status.js";

const { trials, epochs } = dbSchema;

/**
 * The overfit rule for trials without `early_terminate`: val_loss above its best for
 * 2 epochs in a row (core's `early_terminate` default patience) while loss falls.
 */
export const DEFAULT_OVERFIT_RULE = { patience: 2, minDelta: 0 } as const;

/** Epoch rows per INSERT statement (10 parameters each). */
const EPOCHS_PER_INSERT = 1000;

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
 */
export async function recordEvents(database: SweepDatabase, events: readonly TrialEvent[]): Promise<RecordOutcome[]> {
  if (events.length === 0) return [];
  return database.db.transaction(async (tx) => {
    const states = await lockTrials(tx, events);
    const pending = new Map<string, PendingEpoch>();
    const outcomes = events.map((event, index) => applyEvent(states.get(event.trialId), event, index, pending));
    const recompute = new Set<string>();
    await dropRowsAfterResume(tx, states, recompute);
    for (const index of await upsertEpochs(tx, pending, events, recompute)) outcomes[index] = "duplicate";
    await recomputeOverfit(tx, states, recompute);
    const changed = [...states.values()].filter((state) => Object.keys(state.update).length > 0);
    for (const state of changed) await tx.update(trials).set(state.update).where(eq(trials.id, state.id));
    await refreshSweepStatus(
      tx,
      changed.map((state) => state.sweepId),
    );
    return outcomes;
  });
}

async function lockTrials(
  tx: SweepTransaction,
  events: readonly TrialEvent[],
): Promise<Map<string, TrialState & { rule: EarlyTerminate | null }>> {
  const ids = [...new Set(events.map((event) => event.trialId))].sort();
  const rows = await tx
    .select({
      id: trials.id,
      sweepId: trials.sweepId,
      status: trials.status,
      attempt: trials.attempt,
      startedAt: trials.startedAt,
      rule: trials.earlyTerminate,
    })
    .from(trials)
    .where(inArray(trials.id, ids))
    .orderBy(trials.id)
    .for("update");
  return new Map(rows.map((row) => [row.id, { ...row, update: {} }]));
}

async function dropRowsAfterResume(
  tx: SweepTransaction,
  states: Map<string, TrialState>,
  recompute: Set<string>,
): Promise<void> {
  for (const state of states.values()) {
    if (state.resumeCut === undefined) continue;
    const dropped = await tx
      .delete(epochs)
      .where(
        and(
          eq(epochs.trialId, state.id),
          gt(epochs.epoch, state.resumeCut.afterEpoch),
          lt(epochs.attempt, state.resumeCut.attempt),
        ),
      )
      .returning({ epoch: epochs.epoch });
    if (dropped.length > 0) recompute.add(state.id);
  }
}

/** Upserts the pending rows; returns the indexes of events whose row was already stored. */
async function upsertEpochs(
  tx: SweepTransaction,
  pending: Map<string, PendingEpoch>,
  events: readonly TrialEvent[],
  recompute: Set<string>,
): Promise<number[]> {
  const rows = [...pending.values()];
  const written = new Set<string>();
  for (let start = 0; start < rows.length; start += EPOCHS_PER_INSERT) {
    const chunk = rows.slice(start, start + EPOCHS_PER_INSERT);
    const stored = await tx
      .insert(epochs)
      .values(
        chunk.map(({ eventIndex, attempt, metrics }) => epochRow(events[eventIndex] as TrialEvent, attempt, metrics)),
      )
      .onConflictDoUpdate({
        target: [epochs.trialId, epochs.epoch],
        set: {
          loss: sql`excluded.loss`,
          accuracy: sql`excluded.accuracy`,
          valLoss: sql`excluded.val_loss`,
          valAccuracy: sql`excluded.val_accuracy`,
          durationMs: sql`excluded.duration_ms`,
          imagesPerS: sql`excluded.images_per_s`,
          attempt: sql`excluded.attempt`,
          recordedAt: sql`now()`,
        },
        setWhere: sql`${epochs.attempt} < excluded.attempt`,
      })
      .returning({ trialId: epochs.trialId, epoch: epochs.epoch });
    for (const row of stored) {
      written.add(`${row.trialId}:${row.epoch}`);
      recompute.add(row.trialId);
    }
  }
  return [...pending].filter(([key]) => !written.has(key)).map(([, row]) => row.eventIndex);
}

function epochRow(event: TrialEvent, attempt: number, metrics: PendingEpoch["metrics"]): typeof epochs.$inferInsert {
  return {
    trialId: event.trialId,
    epoch: metrics.epoch,
    loss: metrics.loss,
    accuracy: metrics.accuracy,
    valLoss: metrics.val_loss,
    valAccuracy: metrics.val_accuracy,
    durationMs: metrics.duration_ms,
    imagesPerS: metrics.images_per_s,
    attempt,
  };
}

async function recomputeOverfit(
  tx: SweepTransaction,
  states: Map<string, TrialState & { rule: EarlyTerminate | null }>,
  trialIds: Set<string>,
): Promise<void> {
  if (trialIds.size === 0) return;
  const rows = await tx
    .select()
    .from(epochs)
    .where(inArray(epochs.trialId, [...trialIds]))
    .orderBy(asc(epochs.trialId), asc(epochs.epoch));
  const seriesByTrial = new Map<string, EpochMetrics[]>();
  for (const row of rows) {
    const series = seriesByTrial.get(row.trialId) ?? [];
    series.push({
      epoch: row.epoch,
      loss: row.loss,
      accuracy: row.accuracy,
      val_loss: row.valLoss,
      val_accuracy: row.valAccuracy,
      duration_ms: row.durationMs,
      images_per_s: row.imagesPerS,
    });
    seriesByTrial.set(row.trialId, series);
  }
  for (const trialId of trialIds) {
    const state = states.get(trialId);
    if (state === undefined) continue;
    const rule = state.rule ? { patience: state.rule.patience, minDelta: state.rule.min_delta } : DEFAULT_OVERFIT_RULE;
    const analysis = detectOverfit(seriesByTrial.get(trialId) ?? [], rule);
    Object.assign(state.update, {
      bestValLoss: analysis.bestValLoss,
      bestEpoch: analysis.bestEpoch,
      overfitEpoch: analysis.overfitEpoch,
    });
  }
}
