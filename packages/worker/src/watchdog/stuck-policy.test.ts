import { describe, expect, it } from "vitest";
import { type BatchTimes, stopGraceMs, stuckDeadlineMs } from "./stuck-policy.js";

const FLOOR = 60_000;
const times = (batches: number, firstBatchMs: number, slowestBatchMs: number): BatchTimes => ({
  batches,
  firstBatchMs,
  slowestBatchMs,
});

describe("stuckDeadlineMs", () => {
  it.each([
    // batches, first batch (warm-up included), slowest later batch, floor → deadline
    ["before the first batch: three floors, whatever the clock says", times(0, 0, 0), FLOOR, 180_000],
    ["before the first batch, a small floor", times(0, 0, 0), 2_000, 6_000],
    ["one fast batch: the floor", times(1, 3_000, 0), FLOOR, FLOOR],
    ["one slow first batch stands in for the next: 10x it", times(1, 9_000, 0), FLOOR, 90_000],
    ["fast batches: the floor", times(500, 4_000, 350), FLOOR, FLOOR],
    ["slow batches (cpu, a big model): 10x the slowest", times(40, 30_000, 7_500), FLOOR, 75_000],
    ["a slow warm-up does not count once a second batch is in", times(2, 170_000, 400), FLOOR, FLOOR],
    ["exactly at the floor's edge", times(3, 100, 6_000), FLOOR, FLOOR],
  ])("%s", (_case, batchTimes, floor, deadline) => {
    expect(stuckDeadlineMs(batchTimes, floor)).toBe(deadline);
  });
});

describe("stopGraceMs", () => {
  it.each([
    ["before any batch: the floor", times(0, 0, 0), FLOOR, FLOOR],
    ["fast batches: the floor", times(10, 2_000, 500), FLOOR, FLOOR],
    ["a native op runs to its end first: 2x the slowest batch", times(10, 2_000, 45_000), FLOOR, 90_000],
    ["one batch: 2x the first", times(1, 40_000, 0), FLOOR, 80_000],
  ])("%s", (_case, batchTimes, floor, grace) => {
    expect(stopGraceMs(batchTimes, floor)).toBe(grace);
  });
});
