import { parseSweepConfig } from "@sweep/core";
import { describe, expect, it } from "vitest";
import { refuseBayes } from "./refuse-bayes.js";

describe("refuseBayes", () => {
  it("refuses a bayes sweep with one line naming the key, and lets hyperband and grid sweeps pass", () => {
    const bayes = parseSweepConfig("name: b\nmethod: bayes\nrun_cap: 3\n", "b.yaml");
    const hyperband = parseSweepConfig("name: h\nearly_terminate: {type: hyperband, min_iter: 1}\n", "h.yaml");
    const grid = parseSweepConfig("name: g\nearly_terminate: {type: overfit}\n", "g.yaml");
    expect(() => refuseBayes(grid, "retry")).not.toThrow();
    expect(() => refuseBayes(hyperband, "retry")).not.toThrow();
    expect(() => refuseBayes(bayes, "resume")).toThrow(
      /^method: `sweep resume` cannot re-queue a bayes sweep's trials \(.*\), got "bayes"$/,
    );
  });
});
