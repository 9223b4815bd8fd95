import { describe, expect, it } from "vitest";
import type { HyperbandRule } from "../training-spec.js";
import { rungAt, rungDecision, rungMetric, rungsFor } from "./asha.js";

const rule: HyperbandRule = { type: "hyperband", min_iter: 1, eta: 3 };

describe("rungsFor", () => {
  it("puts rungs at min_iter·eta^k, below max_iter and below the last epoch", () => {
    expect(rungsFor(rule, 20)).toEqual([1, 3, 9]);
    expect(rungsFor(rule, 9)).toEqual([1, 3]);
    expect(rungsFor({ ...rule, min_iter: 2, eta: 2, max_iter: 8 }, 20)).toEqual([2, 4]);
    expect(rungsFor({ ...rule, min_iter: 5 }, 5)).toEqual([]);
  });
});

describe("rungAt", () => {
  it("numbers the rungs from 1 at min_iter and names no rung elsewhere", () => {
    expect([1, 2, 3, 9, 20].map((epoch) => rungAt(rule, 20, epoch))).toEqual([1, undefined, 2, 3, undefined]);
    expect(rungAt(rule, 9, 9)).toBeUndefined();
  });
});

describe("rungDecision", () => {
  const ask = (epoch: number, value: number, others: number[], goal: "minimize" | "maximize" = "minimize") =>
    rungDecision({ rule, rung: rungAt(rule, 20, epoch) ?? 0, epoch, metric: "val_loss", goal, value, others });

  it("lets the first trial at a rung go on, then only the best of fewer than eta", () => {
    expect(ask(1, 0.5, [])).toEqual({ action: "continue", rung: 1 });
    expect(ask(1, 0.4, [0.5])).toEqual({ action: "continue", rung: 1 });
    expect(ask(1, 0.6, [0.5]).action).toBe("prune");
  });

  it("keeps the top ⌊n/eta⌋ of n and names the rung, the metric and the count when pruning", () => {
    const others = [0.1, 0.2, 0.3, 0.4, 0.5];
    expect(ask(3, 0.15, others)).toEqual({ action: "continue", rung: 2 });
    expect(ask(3, 0.25, others)).toEqual({
      action: "prune",
      rung: 2,
      reason: "rung 2 (epoch 3): val_loss 0.25 not in the top 1/3 of 6 trials (hyperband)",
    });
  });

  it("follows the goal: a maximized metric keeps the highest", () => {
    expect(ask(1, 0.9, [0.5, 0.6], "maximize").action).toBe("continue");
    expect(ask(1, 0.55, [0.5, 0.6], "maximize").action).toBe("prune");
  });

  it("never keeps a value that is not finite", () => {
    expect(ask(1, Number.NaN, []).action).toBe("prune");
  });

  it("compares test metrics by their validation counterpart", () => {
    expect(rungMetric("test_accuracy")).toBe("val_accuracy");
    expect(rungMetric("loss")).toBe("loss");
  });
});
