import { describe, expect, it } from "vitest";
import { rankTrials } from "./rank-trials.js";

const trials = [
  { ordinal: 0, best: 0.05 },
  { ordinal: 1, best: null },
  { ordinal: 2, best: 0.03 },
  { ordinal: 3, best: 0.05 },
  { ordinal: 4, best: Number.NaN },
  { ordinal: 5, best: 0.04 },
];

describe("rankTrials", () => {
  it("ranks toward the goal, ties share a rank in ordinal order, missing values last", () => {
    const ranked = rankTrials(trials, "val_loss", "minimize", (t) => t.best);
    expect(ranked.map((t) => [t.ordinal, t.rank])).toEqual([
      [2, 1],
      [5, 2],
      [0, 3],
      [3, 3],
      [1, null],
      [4, null],
    ]);
  });

  it("maximizes accuracy", () => {
    const ranked = rankTrials(trials, "val_accuracy", "maximize", (t) => t.best);
    expect(ranked.map((t) => t.ordinal).slice(0, 4)).toEqual([0, 3, 5, 2]);
  });
});
