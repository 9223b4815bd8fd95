import { describe, expect, it } from "vitest";
import { parseSweepConfig } from "../parse-sweep-config.js";
import { type DecidedRung, describeSearchProgress, type SearchOutline, searchOutline } from "./search-progress.js";

const SPACE = "parameters:\n  training.learning_rate: {min: 0.001, max: 1, distribution: log_uniform_values}\n";
const HYPERBAND = "early_terminate: {type: hyperband, min_iter: 1, eta: 3}\n";

describe("searchOutline", () => {
  it.each<[string, string, SearchOutline | null]>([
    ["grid", "training: {epochs: 9}\n", null],
    ["grid with the overfit rule", "early_terminate: {type: overfit}\n", null],
    ["bayes", `method: bayes\nrun_cap: 20\n${SPACE}`, { proposer: { runCap: 20 }, rungs: null }],
    ["grid + hyperband", `training: {epochs: 9}\n${HYPERBAND}`, { proposer: null, rungs: { eta: 3, epochs: [1, 3] } }],
    [
      "bayes + hyperband + overfit",
      `method: bayes\nrun_cap: 9\n${SPACE}training: {epochs: 20}\nearly_terminate:\n  - {type: overfit}\n  - {type: hyperband, min_iter: 2, eta: 2, max_iter: 8}\n`,
      { proposer: { runCap: 9 }, rungs: { eta: 2, epochs: [2, 4] } },
    ],
  ])("%s", (_, yaml, expected) => {
    expect(searchOutline(parseSweepConfig(`name: s\n${yaml}`, "s.yaml"))).toEqual(expected);
  });
});

const continues = (epoch: number, rung: number): DecidedRung => ({ epoch, rung, action: "continue" });
const prunes = (epoch: number, rung: number): DecidedRung => ({ epoch, rung, action: "prune" });
const rungs13 = { eta: 3, epochs: [1, 3] };

describe("describeSearchProgress", () => {
  it.each<[string, SearchOutline, string[], DecidedRung[], string[]]>([
    [
      "bayes: every trial was proposed; queued ones are neither running nor finished",
      { proposer: { runCap: 20 }, rungs: null },
      ["completed", "pruned", "failed", "cancelled", "running", "running", "queued"],
      [],
      ["bayes: 7 of run_cap 20 proposed, 2 running, 4 finished"],
    ],
    [
      "bayes before the first proposal",
      { proposer: { runCap: 5 }, rungs: null },
      [],
      [],
      ["bayes: 0 of run_cap 5 proposed, 0 running, 0 finished"],
    ],
    [
      "hyperband: reached = decisions at the rung's epoch, pruned = its prune decisions",
      { proposer: null, rungs: rungs13 },
      // the statuses do not count: a trial the overfit rule pruned has no prune decision
      ["pruned", "pruned", "pruned", "running"],
      [continues(1, 1), prunes(1, 1), continues(1, 1), continues(3, 2), prunes(3, 2)],
      ["hyperband eta 3: r1 @ epoch 1: 3 reached, 1 pruned · r2 @ epoch 3: 2 reached, 1 pruned"],
    ],
    [
      "hyperband before any decision",
      { proposer: null, rungs: rungs13 },
      ["running"],
      [],
      ["hyperband eta 3: r1 @ epoch 1: 0 reached, 0 pruned · r2 @ epoch 3: 0 reached, 0 pruned"],
    ],
    [
      "hyperband whose min_iter is not below the epochs",
      { proposer: null, rungs: { eta: 3, epochs: [] } },
      ["completed"],
      [],
      ["hyperband eta 3: no rung before the last epoch"],
    ],
    [
      "bayes and hyperband: the bayes line first",
      { proposer: { runCap: 12 }, rungs: { eta: 2, epochs: [2] } },
      ["pruned", "running"],
      [prunes(2, 1), continues(2, 1)],
      ["bayes: 2 of run_cap 12 proposed, 1 running, 1 finished", "hyperband eta 2: r1 @ epoch 2: 2 reached, 1 pruned"],
    ],
  ])("%s", (_, search, statuses, decisions, expected) => {
    expect(describeSearchProgress(search, statuses, decisions)).toEqual(expected);
  });
});
