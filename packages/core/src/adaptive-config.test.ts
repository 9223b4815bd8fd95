import { describe, expect, it } from "vitest";
import { expandTrials } from "./expand-trials.js";
import { parseSweepConfig } from "./parse-sweep-config.js";
import { earlyTerminateRules } from "./training-spec.js";

const SOURCE = "bayes.yaml";
const SPACE = "parameters:\n  training.learning_rate: {min: 0.01, max: 1, distribution: log_uniform_values}\n";

function messageOf(yaml: string): string {
  try {
    parseSweepConfig(yaml, SOURCE);
  } catch (error) {
    return (error as Error).message;
  }
  return "(accepted)";
}

describe("method: bayes", () => {
  it("takes ranges and values with a run_cap; its check draws run_cap points", () => {
    const config = parseSweepConfig(`name: b\nmethod: bayes\nrun_cap: 5\n${SPACE}`, SOURCE);
    expect(config.method).toBe("bayes");
    const trials = expandTrials(config, "s");
    expect(trials).toHaveLength(5);
    expect(trials[0]?.name).toMatch(/^learning_rate=0\.\d+/);
  });

  it.each([
    [
      "no run_cap",
      `name: b\nmethod: bayes\n${SPACE}`,
      `${SOURCE}: run_cap: is required with method bayes, got nothing`,
    ],
    [
      "variants",
      `name: b\nmethod: bayes\nrun_cap: 3\nvariants: [{name: a}]\n${SPACE}`,
      `${SOURCE}: variants: need method list or grid, got method "bayes"`,
    ],
  ])("refuses %s with one line", (_case, yaml, message) => {
    expect(messageOf(yaml)).toBe(message);
  });
});

describe("early_terminate", () => {
  it("takes one rule or a list of different rules, with hyperband's eta defaulting to 3", () => {
    const one = parseSweepConfig("name: x\nearly_terminate: {type: hyperband, min_iter: 2}\n", SOURCE);
    expect(earlyTerminateRules(one.early_terminate)).toEqual({
      hyperband: { type: "hyperband", min_iter: 2, eta: 3 },
    });
    const both = parseSweepConfig(
      "name: x\nearly_terminate:\n  - {type: overfit, patience: 3}\n  - {type: hyperband, min_iter: 1, eta: 2, max_iter: 8}\n",
      SOURCE,
    );
    const rules = earlyTerminateRules(both.early_terminate);
    expect(rules.overfit).toEqual({ type: "overfit", patience: 3, min_delta: 0 });
    expect(rules.hyperband).toEqual({ type: "hyperband", min_iter: 1, eta: 2, max_iter: 8 });
    // The trainer gets the overfit rule only: hyperband is the controller's.
    expect(expandTrials(both, "s")[0]?.earlyTerminate).toEqual(rules.overfit);
  });

  it.each([
    [
      "hyperband without min_iter",
      "early_terminate: {type: hyperband}\n",
      `${SOURCE}: early_terminate.min_iter: is required, got nothing`,
    ],
    [
      "eta below 2",
      "early_terminate: {type: hyperband, min_iter: 1, eta: 1}\n",
      `${SOURCE}: early_terminate.eta: must be ≥ 2, got 1`,
    ],
    [
      "two rules of one type",
      "early_terminate: [{type: overfit}, {type: overfit}]\n",
      `${SOURCE}: early_terminate[1].type: must differ from the other rules' types, got "overfit"`,
    ],
    [
      "max_iter below min_iter",
      "early_terminate: {type: hyperband, min_iter: 4, max_iter: 2}\n",
      `${SOURCE}: early_terminate.max_iter: must be greater than min_iter (4), got 2`,
    ],
  ])("refuses %s with one line naming the path", (_case, yaml, message) => {
    expect(messageOf(`name: x\n${yaml}`)).toBe(message);
  });

  it("names the rule types on an unknown type", () => {
    expect(messageOf("name: x\nearly_terminate: {type: median}\n")).toBe(
      `${SOURCE}: early_terminate.type: must be one of overfit | hyperband, got "median"`,
    );
  });
});
