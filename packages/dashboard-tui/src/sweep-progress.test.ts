import { describe, expect, it } from "vitest";
import { frameOf } from "../test/snapshots.js";
import type { DashboardSnapshot, TrialView } from "./snapshot.js";
import { sweepProgress } from "./sweep-progress.js";

function trial(status: string, durations: number[]): TrialView {
  return {
    id: `t${Math.random()}`,
    rank: null,
    name: "t",
    params: {},
    status,
    epochsDone: durations.length,
    epochsPlanned: 10,
    bestValLoss: null,
    bestEpoch: null,
    overfitEpoch: null,
    lastValLoss: null,
    valAccuracy: null,
    testAccuracy: null,
    curve: durations.map((durationMs, i) => ({ epoch: i + 1, loss: 1, valLoss: 1, durationMs })),
    model: [],
    rungs: [],
  };
}

function snapshot(trials: TrialView[], finishedAt: number | null = null): DashboardSnapshot {
  return frameOf({
    sweep: { id: "s", name: "s", status: "running", createdAt: 0, finishedAt },
    trials,
    workers: [],
    search: null,
    takenAt: 90_000,
  });
}

describe("sweepProgress", () => {
  it("estimates the time left from the median of the trials' mean epoch durations and the trials running side by side", () => {
    const progress = sweepProgress(
      snapshot([
        trial("pruned", [1000, 1000, 1000]),
        trial("running", [2000, 2000]),
        trial("running", [2000, 9000]),
        trial("queued", []),
      ]),
    );
    expect(progress).toMatchObject({
      trialsDone: 1,
      trialsTotal: 4,
      epochsDone: 14,
      epochsTotal: 40,
      elapsedMs: 90_000,
    });
    // 26 epochs left × 2,000 ms (the median of the means 1,000, 2,000 and 5,500) / 2 running trials
    expect(progress.etaMs).toBe(26_000);
  });

  it("has no ETA before the first epoch and zero once every trial is over", () => {
    expect(sweepProgress(snapshot([trial("queued", [])])).etaMs).toBeNull();
    const done = sweepProgress(snapshot([trial("completed", [1000]), trial("failed", [])], 50_000));
    expect(done.etaMs).toBe(0);
    expect(done.elapsedMs).toBe(50_000);
  });
});
