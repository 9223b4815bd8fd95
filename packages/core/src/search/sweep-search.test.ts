import { describe, expect, it } from "vitest";
import { parseSweepConfig } from "../parse-sweep-config.js";
import { rungDecision } from "./asha.js";
import { searchSpace } from "./search-space.js";
import { sweepSearch } from "./sweep-search.js";
import { proposeTrial } from "./tpe.js";

const SPACE = "parameters:\n  training.learning_rate: {min: 0.001, max: 1, distribution: log_uniform_values}\n";
const config = (yaml: string) => parseSweepConfig(`name: s\n${yaml}`, "s.yaml");

describe("sweepSearch", () => {
  it("gives a sweep a proposer only with method bayes and rungs only with a hyperband rule", () => {
    const parts = (yaml: string) => Object.keys(sweepSearch(config(yaml))).sort();
    expect(parts("training: {epochs: 9}\n")).toEqual([]);
    expect(parts("early_terminate: {type: overfit}\n")).toEqual([]);
    expect(parts(`method: random\nrun_cap: 4\n${SPACE}`)).toEqual([]);
    expect(parts(`method: bayes\nrun_cap: 20\n${SPACE}`)).toEqual(["proposer"]);
    expect(parts("early_terminate: {type: hyperband, min_iter: 1}\n")).toEqual(["rungs"]);
    expect(
      parts(
        `method: bayes\nrun_cap: 9\n${SPACE}early_terminate:\n  - {type: overfit}\n  - {type: hyperband, min_iter: 2}\n`,
      ),
    ).toEqual(["proposer", "rungs"]);
  });

  it("proposes as TPE does with the config's run_cap, start-up trials, seed and goal", () => {
    const { proposer } = sweepSearch(
      config(`method: bayes\nrun_cap: 20\nseed: 7\nmetric: {name: val_accuracy, goal: maximize}\n${SPACE}`),
    );
    expect(proposer).toMatchObject({ runCap: 20, startupTrials: 5, seed: 7 });
    const space = searchSpace({ "training.learning_rate": { min: 0.001, max: 1, distribution: "log_uniform_values" } });
    const observations = Array.from({ length: 6 }, (_, index) => ({
      point: { "training.learning_rate": 0.001 * 2 ** index },
      value: index / 10,
      step: 3,
    }));
    const expected = proposeTrial(space, observations, { goal: "maximize", seed: 7, startupTrials: 5 });
    expect(proposer?.propose(observations, (point) => ({ point }))).toEqual({ point: expected });
    expect(proposer?.propose(observations, () => undefined)).toBeUndefined();
  });

  it("asks whether an epoch is a rung directly, and decides there by the sweep's metric and goal", () => {
    const { rungs } = sweepSearch(
      config(
        "metric: {name: test_accuracy, goal: maximize}\nearly_terminate: {type: hyperband, min_iter: 1, eta: 3}\n",
      ),
    );
    expect(rungs?.metric).toBe("val_accuracy");
    expect(rungs?.epochs(9)).toEqual([1, 3]);
    expect([1, 2, 3, 9].map((epoch) => rungs?.rungAt(epoch, 9))).toEqual([1, undefined, 2, undefined]);
    const at = { rung: 2, epoch: 3, value: 0.5, others: [0.9, 0.8] };
    const rule = { type: "hyperband" as const, min_iter: 1, eta: 3 };
    expect(rungs?.decide(at)).toEqual(rungDecision({ rule, metric: "val_accuracy", goal: "maximize", ...at }));
    expect(rungs?.decide(at).action).toBe("prune");
  });
});
