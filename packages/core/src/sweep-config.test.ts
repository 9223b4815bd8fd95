import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json.js";
import { parseSweepConfig, validateSweepConfig } from "./parse-sweep-config.js";
import { closest } from "./schema-paths.js";
import { checkSpecPath } from "./spec-overrides.js";
import { sweepJsonSchema } from "./sweep-config.js";
import { configHash } from "./sweep-id.js";

describe("sweepJsonSchema", () => {
  it("describes the file as written: name required, method without a default, strict objects", () => {
    const schema = sweepJsonSchema() as {
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, { enum?: string[]; default?: unknown }>;
    };
    expect(schema.required).toEqual(["name"]);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.method?.enum).toEqual(["grid", "random", "list", "bayes"]);
    expect(schema.properties.method?.default).toBeUndefined();
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(["parameters", "variants", "model", "training", "dataset", "early_terminate", "run_cap"]),
    );
  });
});

describe("a validated config", () => {
  const yaml = `
name: round trip
description: stored as JSON, read back
variants:
  - {name: A, overrides: {model.pool: null}}
parameters:
  training.batch_size: {values: [32, 64]}
early_terminate: {type: overfit}
`;

  it("validates again unchanged after a JSON round trip, with the same hash", () => {
    const config = parseSweepConfig(yaml, "rt.yaml");
    const stored = JSON.parse(JSON.stringify(config));
    const again = validateSweepConfig(stored);
    expect(canonicalJson(again)).toBe(canonicalJson(config));
    expect(configHash(again)).toBe(configHash(config));
  });
});

describe("messages for nested schema rules", () => {
  it.each([
    [
      "name: x\nmodel: {conv: [{filters: 8, kernel: [3]}]}\n",
      "model.conv[0].kernel: must have at least 2 items, got [3]",
    ],
    ["name: x\nmodel: {conv: [{filters: 8, kernel: 0}]}\n", "model.conv[0].kernel: must be greater than 0, got 0"],
    [
      "name: x\nmodel: {dense: [{units: 4, activation: gelu}]}\n",
      'model.dense[0].activation: must be one of relu | tanh | sigmoid | linear | softmax, got "gelu"',
    ],
    ["name: x\nmodel: {dense: [true]}\n", "model.dense[0]: must be a number or a mapping, got true"],
    ["name: x\nmodel: {conv_dropout: 1}\n", "model.conv_dropout: must be < 1, got 1"],
    ["name: x\nrun_cap: 20000\n", "run_cap: must be ≤ 10000, got 20000"],
    ["name: x\nvariants: [{name: ''}]\n", 'variants[0].name: must be a non-empty string, got ""'],
    ["name: x\ntraining: {shuffle: yes please}\n", 'training.shuffle: must be true or false, got "yes please"'],
    ["name: x\nparameters: {model.pool.size: 4}\n", "parameters.model.pool.size: must be a mapping, got 4"],
    [
      "name: x\nmethod: random\nrun_cap: 2\nvariants: [{name: a}]\n",
      'variants: need method list or grid, got method "random"',
    ],
    [
      "name: x\nmethod: random\nrun_cap: 2\nparameters:\n  training.epochs: {min: 1.5, max: 3, distribution: int_uniform}\n",
      'parameters.training.epochs: int_uniform needs integer min and max, got {"min":1.5,"max":3}',
    ],
    [
      "name: x\nmethod: random\nrun_cap: 2\nparameters:\n  training.epochs: {max: 3}\n",
      "parameters.training.epochs.min: is required with max, got nothing",
    ],
    [
      "name: x\nmethod: random\nrun_cap: 2\nparameters:\n  training.epochs: {min: 3}\n",
      "parameters.training.epochs.max: is required with min, got nothing",
    ],
    [
      "name: x\nparameters:\n  training.epochs: {values: [1], distribution: uniform}\n",
      'parameters.training.epochs.distribution: distribution needs min and max, got "uniform"',
    ],
    [
      "name: x\nparameters:\n  training.epochs: {values: [1], q: 2}\n",
      "parameters.training.epochs.q: q needs min, max and distribution q_uniform, got 2",
    ],
    [
      "name: x\nmethod: random\nrun_cap: 2\nparameters:\n  training.epochs: {min: 1, max: 3, q: 2}\n",
      "parameters.training.epochs.q: q needs distribution q_uniform, got 2",
    ],
    [
      "name: x\nparameters:\n  trainig.epochs: {values: [1]}\n",
      'parameters.trainig.epochs: must be a dotted path starting with model., training. or dataset. (did you mean "training.…"?), got "trainig.epochs"',
    ],
  ])("%s", (yaml, message) => {
    expect(() => parseSweepConfig(yaml, "c.yaml")).toThrow(`c.yaml: ${message}`);
  });
});

describe("closest", () => {
  it("suggests plausible typos only", () => {
    expect(closest("epochz", ["epochs", "seed"])).toBe("epochs");
    expect(closest("sise", ["size", "type"])).toBe("size");
    expect(closest("banana", ["size", "type"])).toBeUndefined();
    expect(closest("x", [])).toBeUndefined();
  });
});

describe("checkSpecPath", () => {
  it.each([
    "model.conv.0.filters",
    "model.input_shape.1",
    "model.pool.size.0",
    "model.dense.0.units",
    "training.nesterov",
  ])("accepts %s", (path) => {
    expect(() => checkSpecPath(path, "here")).not.toThrow();
  });

  it.each([
    ["model.conv.first.filters", 'here: names no field of the base model spec, got "model.conv.first.filters"'],
    ["model.input_shape.3", 'here: names no field of the base model spec, got "model.input_shape.3"'],
    [
      "model.dense.0.unit",
      'here: names no field of the base model spec (did you mean "model.dense.0.units"?), got "model.dense.0.unit"',
    ],
    ["model.classes.size", 'here: names no field of the base model spec, got "model.classes.size"'],
    [
      "model",
      'here: must be a dotted path starting with model., training. or dataset. (did you mean "model.…"?), got "model"',
    ],
  ])("rejects %s", (path, message) => {
    expect(() => checkSpecPath(path, "here")).toThrow(message);
  });
});
