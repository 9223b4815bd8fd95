import { describe, expect, it } from "vitest";
import { parseSweepConfig } from "../parse-sweep-config.js";
import { type AdaptiveSearch, adaptiveSearchOf, type DecidedRung, describeSearchProgress } from "./search-progress.js";

const SPACE = "parameters:\n  training.learning_rate: {min: 0.001, max: 1, distribution: log_uniform_values}\n";
const HYPERBAND = "early_terminate: {type: hyperband, min_iter: 1, eta: 3}\n";

describe("adaptiveSearchOf", () => {
  it.each<[string, string, AdaptiveSearch | null]>([
    ["grid", "training: {epochs: 9}\n", null],
    ["grid with the overfit rule", "early_terminate: {type: overfit}\n", null],
    ["bayes", `method: bayes\nrun_cap: 20\n${SPACE}`, { runCap: 20, hyperband: null }],
    [
      "grid + hyperband",
      `training: {epochs: 9}\n${HYPERBAND}`,
      { runCap: null, hyperband: { eta: 3, rungEpochs: [1, 3] } },
    ],
    [
      "bayes + hyperband + overfit",
      `method: bayes\nrun_cap: 9\n${SPACE}training: {epochs: 20}\nearly_terminate:\n  - {type: overfit}\n  - {type: hyperband, min_iter: 2, eta: 2, max_iter: 8}\n`,
      { runCap: 9, hyperband: { eta: 2, rungEpochs: [2, 4] } },
    ],
  ])("%s", (_, yaml, expected) => {
    expect(adaptiveSearchOf(parseSweepConfig(`name: s\n${yaml}`, "s.yaml"))).toEqual(expected);
  });
});

const continues = (epoch: number, rung: number): DecidedRung => ({ epoch, rung, action: "continue" });
const prunes = (epoch: number, rung: number): DecidedRung => ({ epoch, rung, action: "prune" });
const rungs13 = { eta: 3, rungEpochs: [1, 3] };

describe("describeSearchProgress", () => {
  it.each<[string, AdaptiveSearch, string[], DecidedRung[], string[]]>([
    [
      "bayes: every trial was proposed; queued ones are neither running nor finished",
      { runCap: 20, hyperband: null },
      ["completed", "pruned", "failed", "cancelled", "running", "running", "queued"],
      [],
      ["bayes: 7 of run_cap 20 proposed, 2 running, 4 finished"],
    ],
    [
      "bayes before the first proposal",
      { runCap: 5, hyperband: null },
      [],
      [],
      ["bayes: 0 of run_cap 5 proposed, 0 running, 0 finished"],
    ],
    [
      "hyperband: reached = decisions at the rung's epoch, pruned = its prune decisions",
      { runCap: null, hyperband: rungs13 },
      // the statuses do not count: a trial the overfit rule pruned has no prune decision
      ["pruned", "pruned", "pruned", "running"],
      [continues(1, 1), prunes(1, 1), continues(1, 1), continues(3, 2), prunes(3, 2)],
      ["hyperband eta 3: r1 @ epoch 1: 3 reached, 1 pruned · r2 @ epoch 3: 2 reached, 1 pruned"],
    ],
    [
      "hyperband before any decision",
      { runCap: null, hyperband: rungs13 },
      ["running"],
      [],
      ["hyperband eta 3: r1 @ epoch 1: 0 reached, 0 pruned · r2 @ epoch 3: 0 reached, 0 pruned"],
    ],
    [
      "hyperband whose min_iter is not below the epochs",
      { runCap: null, hyperband: { eta: 3, rungEpochs: [] } },
      ["completed"],
      [],
      ["hyperband eta 3: no rung before the last epoch"],
    ],
    [
      "bayes and hyperband: the bayes line first",
      { runCap: 12, hyperband: { eta: 2, rungEpochs: [2] } },
      ["pruned", "running"],
      [prunes(2, 1), continues(2, 1)],
      ["bayes: 2 of run_cap 12 proposed, 1 running, 1 finished", "hyperband eta 2: r1 @ epoch 2: 2 reached, 1 pruned"],
    ],
  ])("%s", (_, search, statuses, decisions, expected) => {
    expect(describeSearchProgress(search, statuses, decisions)).toEqual(expected);
  });
});
