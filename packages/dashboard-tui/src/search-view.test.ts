import type { DecidedRung } from "@sweep/core";
import { describe, expect, it } from "vitest";
import { frameOf, hyperbandSnapshot, sampleSnapshot } from "../test/snapshots.js";
import { hasRungColumn, rungCell, searchLines } from "./search-view.js";

const passed = (rung: number, epoch: number): DecidedRung => ({ rung, epoch, action: "continue" });
const pruned = (rung: number, epoch: number): DecidedRung => ({ rung, epoch, action: "prune" });

describe("rungCell", () => {
  it.each<[string, string, DecidedRung[], string]>([
    ["pruned at rung 1 (its stored decision)", "pruned", [pruned(1, 1)], "at r1"],
    ["pruned at rung 2 after passing rung 1", "pruned", [passed(1, 1), pruned(2, 3)], "at r2"],
    ["running, passed rungs 1 and 2", "running", [passed(1, 1), passed(2, 3)], "r2"],
    ["running, passed rung 1 only", "running", [passed(1, 1)], "r1"],
    ["queued again (a retry) after passing rung 1", "queued", [passed(1, 1)], "r1"],
    ["running, its prune decided but not yet carried out", "running", [passed(1, 1), pruned(2, 3)], "at r2"],
    ["running, no rung reached yet", "running", [], ""],
    ["queued", "queued", [], ""],
    ["pruned by the overfit rule after passing rung 1: no rung", "pruned", [passed(1, 1)], ""],
    ["pruned by the overfit rule before any rung", "pruned", [], ""],
    ["completed past both rungs", "completed", [passed(1, 1), passed(2, 3)], ""],
    ["failed after passing rung 1", "failed", [passed(1, 1)], ""],
    ["cancelled after passing rung 1", "cancelled", [passed(1, 1)], ""],
  ])("%s → %j", (_, status, rungs, expected) => {
    expect(rungCell({ status, rungs })).toBe(expected);
  });
});

describe("searchLines and hasRungColumn", () => {
  it("gives a bayes + hyperband sweep both lines, counted from its trials and their decisions, and the column", () => {
    const snapshot = frameOf(hyperbandSnapshot());
    expect(searchLines(snapshot)).toEqual([
      "bayes: 5 of run_cap 12 proposed, 1 running, 3 finished",
      "hyperband eta 3: r1 @ epoch 1: 4 reached, 1 pruned · r2 @ epoch 3: 2 reached, 0 pruned",
    ]);
    expect(hasRungColumn(snapshot)).toBe(true);
  });

  it("gives a bayes sweep without hyperband its line and no column", () => {
    const snapshot = frameOf({ ...hyperbandSnapshot(), search: { proposer: { runCap: 12 }, rungs: null } });
    expect(searchLines(snapshot)).toEqual(["bayes: 5 of run_cap 12 proposed, 1 running, 3 finished"]);
    expect(hasRungColumn(snapshot)).toBe(false);
  });

  it("gives a sweep without a search, or no snapshot yet, neither", () => {
    expect(searchLines(frameOf(sampleSnapshot()))).toEqual([]);
    expect(hasRungColumn(frameOf(sampleSnapshot()))).toBe(false);
    expect(searchLines(null)).toEqual([]);
    expect(hasRungColumn(null)).toBe(false);
  });
});
