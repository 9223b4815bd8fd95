import { parseSweepConfig } from "@sweep/core";
import { describe, expect, it } from "vitest";
import { isAdaptive, refuseAdaptive } from "./adaptive.js";

describe("refuseAdaptive", () => {
  it("refuses bayes and hyperband sweeps with one line naming the key, and lets the others pass", () => {
    const bayes = parseSweepConfig("name: b\nmethod: bayes\nrun_cap: 3\n", "b.yaml");
    const hyperband = parseSweepConfig("name: h\nearly_terminate: {type: hyperband, min_iter: 1}\n", "h.yaml");
    const grid = parseSweepConfig("name: g\nearly_terminate: {type: overfit}\n", "g.yaml");
    expect(isAdaptive(grid)).toBe(false);
    expect(() => refuseAdaptive(grid, "launch")).not.toThrow();
    expect(() => refuseAdaptive(bayes, "launch")).toThrow(
      /^method: needs the search controller, which `sweep launch` does not run yet, got "bayes"$/,
    );
    expect(() => refuseAdaptive(hyperband, "launch")).toThrow(/^early_terminate: .*got "hyperband"$/);
  });
});
