import { describe, expect, it } from "vitest";
import type { TrialAttemptResult } from "./run-trial.js";
import { type AttemptEnd, type Settlement, settleAttempt, transientBackoffMs } from "./settlement.js";

const completed: TrialAttemptResult = {
  kind: "finished",
  outcome: { status: "completed", test_loss: 0.1, test_accuracy: 0.9, epochs: 3, backend: "cpu" },
  durationMs: 5,
};
const pruned: TrialAttemptResult = {
  kind: "finished",
  outcome: { status: "pruned", epoch: 3, reason: "overfit", backend: "cpu" },
  durationMs: 5,
};
const cancelledAt4: TrialAttemptResult = {
  kind: "finished",
  outcome: { status: "cancelled", epoch: 4, backend: "cpu" },
  durationMs: 5,
};
const transient: TrialAttemptResult = { kind: "threw", error: "disk on fire", deterministic: false };
const deterministic: TrialAttemptResult = { kind: "threw", error: "bad shape", deterministic: true };

const ack = { action: "ack" } as const;
const term = { action: "term" } as const;
const nak = (delayMs: number) => ({ action: "nak", delayMs }) as const;

const cases: Array<[string, AttemptEnd, Settlement]> = [
  [
    "completed: ack, checkpoint removed",
    { result: completed, attempt: 1, maxDeliver: 5 },
    { message: ack, checkpoint: "remove", finished: true },
  ],
  [
    "pruned: ack, checkpoint removed",
    { result: pruned, attempt: 2, maxDeliver: 5 },
    { message: ack, checkpoint: "remove", finished: true },
  ],
  [
    "cancelled with its sweep: recorded cancelled at its epoch, ack, checkpoint kept",
    { result: cancelledAt4, attempt: 1, maxDeliver: 5, stopReason: "sweep-cancelled" },
    { event: { type: "cancelled", epoch: 4 }, message: ack, checkpoint: "keep", finished: true },
  ],
  [
    "stopped because the worker stops: nothing recorded, handed back at once",
    { result: cancelledAt4, attempt: 1, maxDeliver: 5, stopReason: "worker-stopping", stopping: true },
    { message: nak(0), checkpoint: "keep", finished: false },
  ],
  [
    "transient failure with deliveries left: failed retryable, handed back after the backoff",
    { result: transient, attempt: 2, maxDeliver: 5 },
    {
      event: { type: "failed", error: "disk on fire", retryable: true },
      message: nak(transientBackoffMs(2)),
      checkpoint: "keep",
      finished: false,
    },
  ],
  [
    "transient failure while the worker stops: handed back at once",
    { result: transient, attempt: 2, maxDeliver: 5, stopping: true },
    {
      event: { type: "failed", error: "disk on fire", retryable: true },
      message: nak(0),
      checkpoint: "keep",
      finished: false,
    },
  ],
  [
    "transient failure on the last delivery: failed for good, term, checkpoint removed",
    { result: transient, attempt: 5, maxDeliver: 5 },
    {
      event: { type: "failed", error: "disk on fire", retryable: false },
      message: term,
      checkpoint: "remove",
      finished: true,
    },
  ],
  [
    "deterministic failure on the first delivery: failed for good",
    { result: deterministic, attempt: 1, maxDeliver: 5 },
    {
      event: { type: "failed", error: "bad shape", retryable: false },
      message: term,
      checkpoint: "remove",
      finished: true,
    },
  ],
  [
    "a local run (one delivery): any failure is for good",
    { result: transient, attempt: 3, maxDeliver: 1 },
    {
      event: { type: "failed", error: "disk on fire", retryable: false },
      message: term,
      checkpoint: "remove",
      finished: true,
    },
  ],
  [
    "no max deliveries: a transient failure always comes back",
    { result: transient, attempt: 40, maxDeliver: Number.POSITIVE_INFINITY },
    {
      event: { type: "failed", error: "disk on fire", retryable: true },
      message: nak(30_000),
      checkpoint: "keep",
      finished: false,
    },
  ],
];

describe("settleAttempt", () => {
  it.each(cases)("%s", (_, end, settlement) => {
    expect(settleAttempt(end)).toEqual(settlement);
  });

  it("backs off 1 s, 2 s, 4 s ... capped at 30 s", () => {
    expect([1, 2, 3, 5, 6, 7, 20].map(transientBackoffMs)).toEqual([1000, 2000, 4000, 16_000, 30_000, 30_000, 30_000]);
  });
});
