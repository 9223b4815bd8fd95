import { describe, expect, it } from "vitest";
import { isUsageError } from "./errors.js";
import { parseSweepConfig, validateSweepConfig } from "./parse-sweep-config.js";

const SOURCE = "examples/x.yaml";

/** Each config is malformed in one way; the message must name the path, the rule and the value. */
const MALFORMED: Array<[string, string, string]> = [
  ["YAML syntax error with line:col", "name: x\nparameters: [\n", `${SOURCE}:3:1: YAML syntax error:`],
  ["duplicate key", "name: x\nname: y\n", `${SOURCE}:2:1: YAML syntax error: Map keys must be unique`],
  [
    "not a mapping",
    "- a\n- b\n",
    `${SOURCE}: (top level): must be a mapping with name, parameters or variants, model…, got ["a","b"]`,
  ],
  ["empty file", "", `${SOURCE}: (top level): must be a mapping with name, parameters or variants, model…, got null`],
  ["missing name", "method: grid\n", `${SOURCE}: name: is required, got nothing`],
  [
    "unknown top-level key with a suggestion",
    "name: x\nmodle: {}\n",
    `${SOURCE}: modle: unknown key (did you mean "model"?), got {}`,
  ],
  ["unknown key without a suggestion", "name: x\nbanana: 1\n", `${SOURCE}: banana: unknown key, got 1`],
  [
    "unknown nested key",
    "name: x\nmodel: {pool: {sise: 2}}\n",
    `${SOURCE}: model.pool.sise: unknown key (did you mean "size"?), got 2`,
  ],
  [
    "wrong type",
    "name: x\ntraining: {batch_size: big}\n",
    `${SOURCE}: training.batch_size: must be a number, got "big"`,
  ],
  [
    "unknown method",
    "name: x\nmethod: tpe\n",
    `${SOURCE}: method: must be one of grid | random | list | bayes, got "tpe"`,
  ],
  [
    "unknown metric",
    "name: x\nmetric: {name: f1}\n",
    `${SOURCE}: metric.name: must be one of val_loss | val_accuracy | loss | accuracy | test_loss | test_accuracy, got "f1"`,
  ],
  [
    "empty values",
    "name: x\nparameters:\n  model.pool.size: {values: []}\n",
    `${SOURCE}: parameters.model.pool.size.values: must be a non-empty list, got []`,
  ],
  [
    "min > max",
    "name: x\nmethod: random\nrun_cap: 4\nparameters:\n  training.learning_rate: {min: 2, max: 1}\n",
    `${SOURCE}: parameters.training.learning_rate.min: must be ≤ max (1), got 2`,
  ],
  [
    "unknown distribution",
    "name: x\nmethod: random\nrun_cap: 4\nparameters:\n  training.learning_rate: {min: 0.1, max: 1, distribution: normal}\n",
    `${SOURCE}: parameters.training.learning_rate.distribution: must be one of uniform | int_uniform | log_uniform_values | q_uniform, got "normal"`,
  ],
  [
    "q_uniform without q",
    "name: x\nmethod: random\nrun_cap: 4\nparameters:\n  training.batch_size: {min: 32, max: 256, distribution: q_uniform}\n",
    `${SOURCE}: parameters.training.batch_size.q: q_uniform needs q, got nothing`,
  ],
  [
    "q too small for its range (a sweep of no trial)",
    "name: x\nmethod: random\nrun_cap: 2\nparameters:\n  training.learning_rate: {min: 0.1, max: 1, distribution: q_uniform, q: 5e-324}\n",
    `${SOURCE}: parameters.training.learning_rate.q: q_uniform needs a q for which max / q and min / q are finite numbers of steps, got 5e-324`,
  ],
  [
    "log_uniform from 0",
    "name: x\nmethod: random\nrun_cap: 4\nparameters:\n  training.learning_rate: {min: 0, max: 1, distribution: log_uniform_values}\n",
    `${SOURCE}: parameters.training.learning_rate.min: log_uniform_values needs min > 0, got 0`,
  ],
  [
    "two forms at once",
    "name: x\nparameters:\n  training.epochs: {value: 2, values: [1, 2]}\n",
    `${SOURCE}: parameters.training.epochs: needs exactly one of values, value or min/max, got {"values":[1,2],"value":2}`,
  ],
  [
    "range in a grid",
    "name: x\nparameters:\n  training.epochs: {min: 1, max: 3}\n",
    `${SOURCE}: parameters.training.epochs: min/max ranges need method random or bayes (grid and list take values or value), got {"min":1,"max":3}`,
  ],
  [
    "dotted path naming nothing",
    "name: x\nparameters:\n  model.pool.sise: {values: [2]}\n",
    `${SOURCE}: parameters.model.pool.sise: names no field of the base model spec (did you mean "model.pool.size"?), got "model.pool.sise"`,
  ],
  [
    "path outside the spec",
    "name: x\nparameters:\n  optimizer: {values: [sgd]}\n",
    `${SOURCE}: parameters.optimizer: must be a dotted path starting with model., training. or dataset., got "optimizer"`,
  ],
  [
    "variant overriding a missing field",
    "name: x\nvariants:\n  - name: a\n    overrides: {model.pol: null}\n",
    `${SOURCE}: variants[0].overrides.model.pol: names no field of the base model spec (did you mean "model.pool"?), got "model.pol"`,
  ],
  [
    "bad swept value",
    "name: x\nparameters:\n  model.conv: {values: [[{filters: 32}], [{filters: 0}]]}\n",
    `${SOURCE}: parameters.model.conv.values[1][0].filters: must be greater than 0, got 0`,
  ],
  [
    "bad variant value",
    "name: x\nvariants:\n  - name: a\n    overrides: {training.optimizer: adagrad}\n",
    `${SOURCE}: variants[0].overrides.training.optimizer: must be one of adadelta | sgd | adam | rmsprop, got "adagrad"`,
  ],
  [
    "collapsing architecture",
    "name: x\nparameters:\n  model.pool.size: {values: [2, 30]}\n",
    `${SOURCE}: parameters: trial "pool=30" collapses at max_pooling2d_1: pool size 30x30 is bigger than its input 24x24x64, got {"model.pool.size":30}`,
  ],
  [
    "collapsing variant",
    "name: x\nvariants:\n  - name: Deep\n    overrides:\n      model.input_shape: [8, 8, 1]\n      model.conv: [{filters: 8}, {filters: 8}, {filters: 8}, {filters: 8}]\n",
    `${SOURCE}: variants[0]: trial "Deep" collapses at conv2d_4: kernel 3x3 is bigger than its input 2x2x8, got {"model.input_shape":[8,8,1],"model.conv":[{"filters":8},{"filters":8},{"filter…`,
  ],
  ["epochs 0", "name: x\ntraining: {epochs: 0}\n", `${SOURCE}: training.epochs: must be greater than 0, got 0`],
  [
    "validation_split 1",
    "name: x\ntraining: {validation_split: 1}\n",
    `${SOURCE}: training.validation_split: must be < 1, got 1`,
  ],
  [
    "validation_split 0",
    "name: x\ntraining: {validation_split: 0}\n",
    `${SOURCE}: training.validation_split: must be greater than 0, got 0`,
  ],
  [
    "pool size as a string",
    "name: x\nmodel: {pool: {size: big}}\n",
    `${SOURCE}: model.pool.size: must be a number or a list, got "big"`,
  ],
  [
    "dense units 0",
    "name: x\nmodel: {dense: [{units: 0}]}\n",
    `${SOURCE}: model.dense[0].units: must be greater than 0, got 0`,
  ],
  [
    "run_cap exceeded",
    "name: x\nrun_cap: 2\nparameters:\n  model.pool.size: {values: [2, 3, 4]}\n",
    `${SOURCE}: run_cap: the sweep expands to 3 distinct trials, more than run_cap, got 2`,
  ],
  [
    "random without run_cap",
    "name: x\nmethod: random\nparameters:\n  training.batch_size: {values: [32, 64]}\n",
    `${SOURCE}: run_cap: is required with method random, got nothing`,
  ],
  [
    "list without variants",
    "name: x\nmethod: list\n",
    `${SOURCE}: method: list needs a non-empty variants list, got "list"`,
  ],
  [
    "duplicate variant names",
    "name: x\nvariants:\n  - {name: a}\n  - {name: a}\n",
    `${SOURCE}: variants[1].name: must be unique among variants, got "a"`,
  ],
  [
    "too many trials",
    `name: x\nparameters:\n${["seed", "epochs", "batch_size"].map((k) => `  training.${k}: {values: [${Array.from({ length: 30 }, (_, i) => i + 1).join(", ")}]}`).join("\n")}\n`,
    `${SOURCE}: parameters: expands to 27000 trials, more than the limit of 10000, got 30x30x30 values`,
  ],
  [
    "index past a base list",
    "name: x\nparameters:\n  model.conv.5.filters: {values: [8]}\n",
    `${SOURCE}: parameters.model.conv.5.filters.values[0]: index 5 is past the end of a base list of 2, got 8`,
  ],
];

describe("parseSweepConfig rejects malformed configs with one line naming path, rule and value", () => {
  it.each(MALFORMED)("%s", (_case, yaml, message) => {
    let thrown: unknown;
    try {
      parseSweepConfig(yaml, SOURCE);
    } catch (error) {
      thrown = error;
    }
    expect(isUsageError(thrown)).toBe(true);
    const text = (thrown as Error).message;
    expect(text.includes("\n")).toBe(false);
    if (message.endsWith(":")) expect(text.startsWith(message)).toBe(true);
    else expect(text).toBe(message);
  });
});

describe("parseSweepConfig defaults", () => {
  it("fills the method (grid, or list with variants), metric and the base specs", () => {
    const grid = parseSweepConfig("name: x\n", SOURCE);
    expect(grid.method).toBe("grid");
    expect(grid.metric).toEqual({ name: "val_loss", goal: "minimize" });
    expect(grid.training.epochs).toBe(20);
    expect(grid.model.conv).toHaveLength(2);
    const list = parseSweepConfig("name: x\nvariants: [{name: a}]\n", SOURCE);
    expect(list.method).toBe("list");
    expect(list.variants?.[0]?.overrides).toEqual({});
  });

  it("validates an already-read value without a source prefix", () => {
    expect(() => validateSweepConfig({ name: "" })).toThrow(/^name: must be a non-empty string, got ""$/);
  });
});
