import { parseSweepConfig } from "@sweep/core";
import { describe, expect, it } from "vitest";
import { refuseBayes } from "./adaptive.js";
import { describeSearch } from "./describe-search.js";

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

describe("describeSearch", () => {
  it("says bayes trials cannot be listed in advance and where the hyperband rungs are", () => {
    const config = parseSweepConfig(
      "name: b\nmethod: bayes\nrun_cap: 20\ntraining: {epochs: 9}\nearly_terminate: {type: hyperband, min_iter: 1}\n",
      "b.yaml",
    );
    const lines = describeSearch(config).join("\n");
    expect(lines).toContain(
      "up to 20 trials, proposed one at a time as results come in, so they cannot be listed in advance",
    );
    expect(lines).toContain("5 random start-up trials");
    expect(lines).toContain("hyperband: rungs at epochs 1, 3 (of 9)");
    expect(describeSearch(parseSweepConfig("name: g\n", "g.yaml"))).toEqual([]);
  });
});
