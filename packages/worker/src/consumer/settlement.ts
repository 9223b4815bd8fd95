import type { EventBody } from "@sweep/protocol";
import type { TrialAttemptResult } from "./run-trial.js";
import type { StopReason } from "./trial-slots.js";

/** Redelivery delay after a transient failure: 1 s, 2 s, 4 s ... capped at 30 s. */
export const transientBackoffMs = (deliveryCount: number) => Math.min(30_000, 1000 * 2 ** (deliveryCount - 1));

/** How an attempt ended, as far as settling it goes. */
export interface AttemptEnd {
  result: TrialAttemptResult;
  /** The delivery count (a local run: the attempt it records). */
  attempt: number;
  /** Deliveries of the trial's message before it is given up (a local run: 1, it never retries). */
  maxDeliver: number;
  /** Why the trial's cancel flag was raised, if it was. */
  stopReason?: StopReason;
  /** With stopReason `pruned`: the reason to record. */
  pruneReason?: string;
  /** The worker is stopping: a failed attempt comes back at once, not after a backoff. */
  stopping?: boolean;
}

/**
 * What to do once an attempt ended: the event to record (`completed` and `pruned` are
 * recorded as training ends, so none here), what becomes of the trial message
 * (`nak` hands it back, `term` gives it up), and of the trial's checkpoint.
 */
export interface Settlement {
  event?: EventBody;
  message: { action: "ack" } | { action: "nak"; delayMs: number } | { action: "term" };
  /** `remove`: the trial is over for good; `keep`: it may go on (a retry, a resume). */
  checkpoint: "keep" | "remove";
  /** The trial reached a terminal state recorded by this attempt. */
  finished: boolean;
}

/**
 * The outcome policy of both run loops (`sweep worker` and a local `sweep run`):
 * - completed or pruned: ack, checkpoint removed;
 * - stopped by the sweep's controller (a hyperband rung): recorded `pruned` with its reason, ack, checkpoint removed;
 * - cancelled because its sweep was: recorded `cancelled`, ack, checkpoint kept for `sweep resume`;
 * - cancelled because the worker stops: nothing recorded, handed back at once (another
 *   worker resumes it from its checkpoint);
 * - threw, transient and deliveries left: recorded `failed` retryable, handed back after
 *   `transientBackoffMs` (at once when the worker stops), checkpoint kept;
 * - threw otherwise (deterministic, or the last delivery): recorded `failed` for good,
 *   message terminated, checkpoint removed.
 */
export function settleAttempt(end: AttemptEnd): Settlement {
  const { result, attempt } = end;
  if (result.kind === "finished") {
    const { outcome } = result;
    if (outcome.status !== "cancelled") return { message: { action: "ack" }, checkpoint: "remove", finished: true };
    if (end.stopReason === "pruned") {
      const reason = end.pruneReason ?? "pruned by the sweep's controller";
      return {
        event: { type: "pruned", epoch: outcome.epoch, reason },
        message: { action: "ack" },
        checkpoint: "remove",
        finished: true,
      };
    }
    if (end.stopReason !== "sweep-cancelled") {
      return { message: { action: "nak", delayMs: 0 }, checkpoint: "keep", finished: false };
    }
    return {
      event: { type: "cancelled", epoch: outcome.epoch },
      message: { action: "ack" },
      checkpoint: "keep",
      finished: true,
    };
  }
  // `retryable` tells the recorder whether this message comes back (see TrialEvent).
  const retryable = !result.deterministic && attempt < end.maxDeliver;
  const event: EventBody = { type: "failed", error: result.error, retryable };
  if (retryable) {
    const delayMs = end.stopping ? 0 : transientBackoffMs(attempt);
    return { event, message: { action: "nak", delayMs }, checkpoint: "keep", finished: false };
  }
  return { event, message: { action: "term" }, checkpoint: "remove", finished: true };
}
