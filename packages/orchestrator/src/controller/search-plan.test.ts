import { parseSweepConfig } from "@sweep/core";
import { describe, expect, it } from "vitest";
import { describeSearchPlan, describeTrialCount } from "./search-plan.js";

describe("describeSearchPlan", () => {
  it("says bayes trials cannot be listed in advance and where the hyperband rungs are", () => {
    const config = parseSweepConfig(
      "name: b\nmethod: bayes\nrun_cap: 20\ntraining: {epochs: 9}\nearly_terminate: {type: hyperband, min_iter: 1}\n",
      "b.yaml",
    );
    const lines = describeSearchPlan(config).join("\n");
    expect(lines).toContain(
      "up to 20 trials, proposed one at a time as results come in, so they cannot be listed in advance",
    );
    expect(lines).toContain("5 random start-up trials");
    expect(lines).toContain("hyperband: rungs at epochs 1, 3 (of 9)");
    expect(describeSearchPlan(parseSweepConfig("name: g\n", "g.yaml"))).toEqual([]);
  });
});

describe("describeTrialCount", () => {
  it("counts a sweep's trials, or says how many bayes proposes, and adds the hyperband rule", () => {
    const grid = parseSweepConfig("name: g\n", "g.yaml");
    const both = parseSweepConfig(
      "name: b\nmethod: bayes\nrun_cap: 20\nearly_terminate: {type: hyperband, min_iter: 1}\n",
      "b.yaml",
    );
    expect(describeTrialCount(grid, 12)).toBe("12 trials");
    expect(describeTrialCount(both, 0)).toBe("up to 20 trials (bayes proposes them), hyperband min_iter 1 eta 3");
  });
});
