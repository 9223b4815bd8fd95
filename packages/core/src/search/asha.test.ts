import { describe, expect, it } from "vitest";
import type { HyperbandRule } from "../training-spec.js";
import { rungDecision, rungMetric, rungsFor } from "./asha.js";

const rule: HyperbandRule = { type: "hyperband", min_iter: 1, eta: 3 };

describe("rungsFor", () => {
  it("puts rungs at min_iter·eta^k, below max_iter and below the last epoch", () => {
    expect(rungsFor(rule, 20)).toEqual([1, 3, 9]);
    expect(rungsFor(rule, 9)).toEqual([1, 3]);
    expect(rungsFor({ ...rule, min_iter: 2, eta: 2, max_iter: 8 }, 20)).toEqual([2, 4]);
    expect(rungsFor({ ...rule, min_iter: 5 }, 5)).toEqual([]);
  });
});

describe("rungDecision", () => {
  const ask = (epoch: number, value: number, others: number[], goal: "minimize" | "maximize" = "minimize") =>
    rungDecision({ rule, epochs: 20, epoch, metric: "val_loss", goal, value, others });

  it("decides nothing off the rungs", () => {
    expect(ask(2, 0.1, [0.5])).toEqual({ action: "none" });
  });

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
