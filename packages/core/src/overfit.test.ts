import { describe, expect, it } from "vitest";
import { detectOverfit, shouldPrune } from "./overfit.js";

/** Epochs from (loss, val_loss) pairs, numbered from 1. */
function series(pairs: Array<[number, number]>) {
  return pairs.map(([loss, val_loss], i) => ({ epoch: i + 1, loss, val_loss }));
}

describe("detectOverfit", () => {
  it("has no verdict without epochs or with one", () => {
    expect(detectOverfit([])).toEqual({
      bestEpoch: null,
      bestValLoss: null,
      overfitEpoch: null,
      generalizationGap: null,
      gapAtBest: null,
      epochsSinceBest: 0,
    });
    const one = detectOverfit(series([[0.5, 0.4]]));
    expect([one.bestEpoch, one.overfitEpoch, one.generalizationGap]).toEqual([1, null, 0.4 - 0.5]);
  });

  it("flags the first epoch of `patience` epochs above the best while loss falls (the reference curves' epoch-3 turn)", () => {
    const epochs = series([
      [0.3, 0.1],
      [0.1, 0.05],
      [0.08, 0.06],
      [0.06, 0.07],
      [0.05, 0.08],
    ]);
    const analysis = detectOverfit(epochs, { patience: 2 });
    expect(analysis.bestEpoch).toBe(2);
    expect(analysis.bestValLoss).toBe(0.05);
    expect(analysis.overfitEpoch).toBe(3);
    expect(analysis.epochsSinceBest).toBe(3);
    expect(analysis.generalizationGap).toBeCloseTo(0.03);
    expect(analysis.gapAtBest).toBeCloseTo(-0.05);
    expect(detectOverfit(epochs, { patience: 3 }).overfitEpoch).toBe(3);
    expect(detectOverfit(epochs, { patience: 4 }).overfitEpoch).toBeNull();
  });

  it("does not flag when the training loss stops falling in the window", () => {
    const epochs = series([
      [0.3, 0.1],
      [0.2, 0.12],
      [0.25, 0.13],
    ]);
    expect(detectOverfit(epochs, { patience: 2 }).overfitEpoch).toBeNull();
  });

  it("ignores rises within minDelta and treats a tie with the best as not above it", () => {
    const epochs = series([
      [0.3, 0.1],
      [0.2, 0.1],
      [0.1, 0.105],
      [0.05, 0.105],
    ]);
    expect(detectOverfit(epochs, { patience: 2 }).bestEpoch).toBe(1);
    expect(detectOverfit(epochs, { patience: 2 }).overfitEpoch).toBe(3);
    expect(detectOverfit(epochs, { patience: 2, minDelta: 0.01 }).overfitEpoch).toBeNull();
    expect(detectOverfit(epochs, { patience: 1 }).overfitEpoch).toBe(3);
  });

  it("clears a window when val_loss recovers, and finds a later one", () => {
    const epochs = series([
      [0.5, 0.2],
      [0.4, 0.25],
      [0.3, 0.15],
      [0.2, 0.17],
      [0.1, 0.18],
    ]);
    const analysis = detectOverfit(epochs, { patience: 2 });
    expect(analysis.bestEpoch).toBe(3);
    expect(analysis.overfitEpoch).toBe(4);
  });

  it("never takes a NaN val_loss as best, and a NaN epoch breaks a window", () => {
    const epochs = series([
      [0.5, Number.NaN],
      [0.4, 0.3],
      [0.3, Number.NaN],
      [0.2, 0.35],
      [0.1, 0.36],
    ]);
    const analysis = detectOverfit(epochs, { patience: 2 });
    expect(analysis.bestEpoch).toBe(2);
    expect(analysis.overfitEpoch).toBe(4);
  });
});

describe("shouldPrune", () => {
  const epochs = series([
    [0.3, 0.1],
    [0.2, 0.15],
    [0.1, 0.2],
  ]);
  it("prunes once the overfit rule holds with the sweep's patience", () => {
    expect(shouldPrune(epochs, { type: "overfit", patience: 2, min_delta: 0 }, 10)).toBe(true);
    expect(shouldPrune(epochs.slice(0, 2), { type: "overfit", patience: 2, min_delta: 0 }, 10)).toBe(false);
    expect(shouldPrune(epochs, { type: "overfit", patience: 2, min_delta: 0.2 }, 10)).toBe(false);
  });
  it("does not prune at the trial's last epoch", () => {
    expect(shouldPrune(epochs, { type: "overfit", patience: 2, min_delta: 0 }, 3)).toBe(false);
  });
  it("never prunes without a rule", () => {
    expect(shouldPrune(epochs, undefined, 10)).toBe(false);
  });
});
