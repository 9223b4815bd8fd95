import { type EpochMetrics, TERMINAL_TRIAL_STATUSES, type TrialEvent, type TrialStatus } from "@sweep/core";
import type { trials } from "./schema.js";

/** What recording one event did. */
export type RecordOutcome = "applied" | "duplicate" | "stale" | "unknown-trial";

type TrialUpdate = Partial<typeof trials.$inferInsert>;

/** A locked trial row while a batch of its events is applied in memory. */
export interface TrialState {
  id: string;
  sweepId: string;
  status: TrialStatus;
  attempt: number;
  startedAt: Date | null;
  /** The last error recorded for the trial (a retryable failure's, while it is retried). */
  error: string | null;
  /** Columns to write back when the batch commits. */
  update: TrialUpdate;
  /** A resumed attempt: drop older attempts' epoch rows after this epoch. */
  resumeCut?: { afterEpoch: number; attempt: number };
}

/** An epoch row waiting to be upserted, and which event (index in the batch) carries it. */
export interface PendingEpoch {
  eventIndex: number;
  attempt: number;
  metrics: EpochMetrics;
}

/**
 * Applies one event to a trial's in-memory state, in delivery order. Fences: a
 * terminal trial never changes (`duplicate`) except for a late epoch row of the
 * attempt that finished it, an older attempt than the trial's (`stale`) changes nothing. Epoch rows go to `pending` (keyed `trialId:epoch`); the
 * database decides later whether an equal attempt's row already existed.
 */
export function applyEvent(
  state: TrialState | undefined,
  event: TrialEvent,
  eventIndex: number,
  pending: Map<string, PendingEpoch>,
): RecordOutcome {
  if (state === undefined) return "unknown-trial";
  if (TERMINAL_TRIAL_STATUSES.includes(state.status)) {
    // An epoch of the attempt that finished the trial can arrive after its outcome: a
    // recorder that died holding it unacked gets it back only after the ack wait, while
    // its successor already recorded the outcome. The row is still that attempt's fact.
    if (event.type !== "epoch" || event.attempt !== state.attempt) return "duplicate";
    const key = `${state.id}:${event.metrics.epoch}`;
    if ((pending.get(key)?.attempt ?? -1) >= event.attempt) return "duplicate";
    pending.set(key, { eventIndex, attempt: event.attempt, metrics: event.metrics });
    return "applied";
  }
  if (event.attempt < state.attempt) return "stale";
  const at = new Date(event.at);
  switch (event.type) {
    case "started": {
      if (state.status === "running" && event.attempt === state.attempt) return "duplicate";
      state.startedAt ??= at;
      setState(state, { status: "running", attempt: event.attempt, startedAt: state.startedAt });
      Object.assign(state.update, { worker: event.worker, backend: event.backend, paramCount: event.paramCount });
      state.resumeCut = { afterEpoch: event.resumeFromEpoch, attempt: event.attempt };
      // Only a redelivery can find older attempts' rows; a first attempt skips the scan of
      // the batch (which made the recorder quadratic in the batch size).
      if (event.attempt > 1) {
        for (const [key, row] of pending) {
          if (
            key.startsWith(`${state.id}:`) &&
            row.metrics.epoch > event.resumeFromEpoch &&
            row.attempt < event.attempt
          )
            pending.delete(key);
        }
      }
      return "applied";
    }
    case "epoch": {
      const key = `${state.id}:${event.metrics.epoch}`;
      if ((pending.get(key)?.attempt ?? -1) >= event.attempt) return "duplicate";
      pending.set(key, { eventIndex, attempt: event.attempt, metrics: event.metrics });
      setState(state, { status: "running", attempt: event.attempt });
      return "applied";
    }
    case "completed":
      finish(state, "completed", event.attempt, at, event.duration_ms);
      Object.assign(state.update, {
        testLoss: event.test_loss,
        testAccuracy: event.test_accuracy,
        testWeights: event.test_weights ?? "last",
        testEpoch: event.test_epoch ?? null,
      });
      return "applied";
    case "failed":
      // A retryable failure will be redelivered: keep the trial open, remember why.
      if (event.retryable) setState(state, { attempt: event.attempt, error: event.error });
      else finish(state, "failed", event.attempt, at, undefined, failureReason(state, event));
      return "applied";
    case "pruned":
      finish(state, "pruned", event.attempt, at, undefined, `pruned at epoch ${event.epoch}: ${event.reason}`);
      return "applied";
    case "cancelled":
      finish(state, "cancelled", event.attempt, at);
      return "applied";
  }
}

/** A dead letter's reason is `gave up after N deliveries: <the last error a worker reported>`. */
function failureReason(state: TrialState, event: Extract<TrialEvent, { type: "failed" }>): string {
  if (!event.deadLetter) return event.error;
  const lastError = state.update.error ?? state.error ?? "no worker reported an error (each attempt stopped answering)";
  return `${event.error}: ${lastError}`;
}

function setState(state: TrialState, update: TrialUpdate & { status?: TrialStatus; attempt?: number }): void {
  if (update.status !== undefined) state.status = update.status;
  if (update.attempt !== undefined) state.attempt = update.attempt;
  Object.assign(state.update, update);
}

function finish(
  state: TrialState,
  status: TrialStatus,
  attempt: number,
  at: Date,
  durationMs?: number,
  error?: string,
): void {
  const elapsed = durationMs ?? (state.startedAt ? at.getTime() - state.startedAt.getTime() : null);
  setState(state, { status, attempt, finishedAt: at, durationMs: elapsed, ...(error === undefined ? {} : { error }) });
}
