import { describe, expect, it, vi } from "vitest";
import { expandSweep, expandTrials } from "./expand-trials.js";
import { parseSweepConfig } from "./parse-sweep-config.js";
import { configHash, sweepIdFor } from "./sweep-id.js";
import { describeTrialParams } from "./trial-name.js";

/** Random points drawn by expandTrials: the same draws, counted. */
const randomDraws = vi.hoisted(() => ({ count: 0 }));
vi.mock("./sweep-points.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("./sweep-points.js")>();
  return {
    ...original,
    *randomPoints(config: Parameters<typeof original.randomPoints>[0]) {
      for (const point of original.randomPoints(config)) {
        randomDraws.count++;
        yield point;
      }
    },
  };
});

const DEPTH_POOL_DENSE = `
name: Depth x pool x dense
parameters:
  model.conv:
    values:
      - [{filters: 32}]
      - [{filters: 32}, {filters: 64}]
      - [{filters: 32}, {filters: 64}, {filters: 64}]
  model.pool: {values: [null, {size: 2}, {size: 4}]}
  model.dense: {values: [[], [128], [128, 128]]}
`;

describe("expandTrials on a grid", () => {
  const config = parseSweepConfig(DEPTH_POOL_DENSE, "grid.yaml");
  const sweepId = sweepIdFor(config);

  it("gives 27 trials, the last key varying fastest, ids <sweepId>-t<ordinal>", () => {
    const trials = expandTrials(config, sweepId);
    expect(trials).toHaveLength(27);
    const expected: string[] = [];
    for (const depth of ["1x[32]", "2x[32,64]", "3x[32,64,64]"]) {
      for (const pool of ["none", "2", "4"]) {
        for (const dense of ["[]", "[128]", "[128,128]"]) expected.push(`conv=${depth} pool=${pool} dense=${dense}`);
      }
    }
    expect(trials.map((t) => t.name)).toEqual(expected);
    expect(trials.map((t) => t.id)).toEqual(expected.map((_, i) => `${sweepId}-t${String(i).padStart(3, "0")}`));
    expect(new Set(trials.map((t) => t.key)).size).toBe(27);
  });

  it("is deterministic: same ids, keys and sweep id on a second expansion of a re-parsed file", () => {
    const again = parseSweepConfig(DEPTH_POOL_DENSE, "grid.yaml");
    expect(sweepIdFor(again)).toBe(sweepId);
    const project = (c: typeof config) => expandTrials(c, sweepIdFor(c)).map((t) => [t.id, t.key, t.name]);
    expect(project(again)).toEqual(project(config));
    expect(sweepId).toMatch(/^depth-x-pool-x-dense-[0-9a-f]{8}$/);
  });

  it("keeps in params only what differs from the base and compiles each trial's layers", () => {
    const [first] = expandTrials(config, sweepId);
    // the base model has 2 convs, pool 2, dense [128]: all three differ in the first trial
    expect(first?.params).toEqual({ "model.conv": [{ filters: 32 }], "model.pool": null, "model.dense": [] });
    expect(first?.layers.map((l) => l.kind)).toEqual(["conv2d", "dropout", "flatten", "dense"]);
    const base = expandTrials(config, sweepId).find((t) => t.name === "conv=2x[32,64] pool=2 dense=[128]");
    // written shorter than the base, but resolving to it: nothing differs
    expect(base?.params).toEqual({});
  });
});

describe("expandTrials collapses points that resolve to the same model", () => {
  it("keeps the first of equal keys (pool size 2 written two ways) and renumbers", () => {
    const config = parseSweepConfig(
      "name: dup\nparameters:\n  model.pool.size: {values: [2, [2, 2], 4]}\n  training.batch_size: {values: [64, 128]}\n",
      "dup.yaml",
    );
    const { trials, collapsed } = expandSweep(config, "dup");
    expect(collapsed).toEqual([
      { name: "pool=2 batch_size=64", sameAs: "dup-t000" },
      { name: "pool=2 batch_size=128", sameAs: "dup-t001" },
    ]);
    expect(trials.map((t) => [t.id, t.name])).toEqual([
      ["dup-t000", "pool=2 batch_size=64"],
      ["dup-t001", "pool=2 batch_size=128"],
      ["dup-t002", "pool=4 batch_size=64"],
      ["dup-t003", "pool=4 batch_size=128"],
    ]);
  });
});

describe("expandTrials with variants", () => {
  it("lists named variants with their overrides, crossed with the parameters", () => {
    const config = parseSweepConfig(
      `name: v
early_terminate: {type: overfit, patience: 3}
variants:
  - {name: Model1}
  - {name: Model5, overrides: {model.pool.size: 4}}
parameters:
  training.seed: {values: [1, 2]}
`,
      "v.yaml",
    );
    expect(config.method).toBe("list");
    const trials = expandTrials(config, "v");
    expect(trials.map((t) => t.name)).toEqual(["Model1 seed=1", "Model1 seed=2", "Model5 seed=1", "Model5 seed=2"]);
    expect(trials[3]?.params).toEqual({ "model.pool.size": 4, "training.seed": 2 });
    expect(trials[3]?.earlyTerminate).toEqual({ type: "overfit", patience: 3, min_delta: 0 });
  });
});

describe("expandTrials with random search", () => {
  const yaml = (seed: number) => `
name: r
method: random
run_cap: 6
seed: ${seed}
parameters:
  training.learning_rate: {min: 0.001, max: 1, distribution: log_uniform_values}
  training.batch_size: {min: 32, max: 256, distribution: q_uniform, q: 32}
  training.epochs: {min: 1, max: 3, distribution: int_uniform}
  training.rho: {min: 0.5, max: 0.99}
  model.dense: {values: [[], [64]]}
  dataset.train_limit: {value: 1000}
`;

  it("draws run_cap seeded points inside their ranges, the same for the same seed", () => {
    const trials = expandTrials(parseSweepConfig(yaml(7), "r.yaml"), "r");
    expect(trials).toHaveLength(6);
    for (const t of trials) {
      expect(t.training.learning_rate).toBeGreaterThanOrEqual(0.001);
      expect(t.training.learning_rate).toBeLessThanOrEqual(1);
      expect(t.training.batch_size % 32).toBe(0);
      expect([1, 2, 3]).toContain(t.training.epochs);
      expect(t.dataset.train_limit).toBe(1000);
    }
    const again = expandTrials(parseSweepConfig(yaml(7), "r.yaml"), "r");
    expect(again.map((t) => t.key)).toEqual(trials.map((t) => t.key));
    const other = expandTrials(parseSweepConfig(yaml(8), "r.yaml"), "r");
    expect(other.map((t) => t.key)).not.toEqual(trials.map((t) => t.key));
  });

  it("stops when the space has fewer distinct points than run_cap", () => {
    const config = parseSweepConfig(
      "name: small\nmethod: random\nrun_cap: 10\nparameters:\n  model.pool.size: {values: [2, 4]}\n",
      "s.yaml",
    );
    expect(expandTrials(config, "s")).toHaveLength(2);
  });

  it("stops at once when a big run_cap meets a tiny finite space", () => {
    const config = parseSweepConfig(
      "name: tiny\nmethod: random\nrun_cap: 10000\nparameters:\n  training.epochs: {min: 1, max: 2, distribution: int_uniform}\n  model.pool.size: {values: [2, 2]}\n",
      "t.yaml",
    );
    randomDraws.count = 0;
    expect(expandTrials(config, "t")).toHaveLength(2);
    // Both points drawn ends it: not the 1,000 fruitless draws that end an endless space.
    expect(randomDraws.count).toBeGreaterThanOrEqual(2);
    expect(randomDraws.count).toBeLessThan(1000);
  });
});

describe("a sweep with no trial to run", () => {
  it("is refused with the reason, whatever let the parameters through", () => {
    const config = parseSweepConfig(
      "name: none\nmethod: random\nrun_cap: 2\nparameters:\n  training.learning_rate: {min: 0.1, max: 1, distribution: q_uniform, q: 0.5}\n",
      "n.yaml",
    );
    // A q below what parsing accepts (its step count is not a number): random search draws nothing.
    const tiny = { ...config.parameters["training.learning_rate"], q: 5e-324 };
    expect(() => expandSweep({ ...config, parameters: { "training.learning_rate": tiny } }, "n")).toThrow(
      "parameters: resolve to no trial to run (random search has no point to draw), got a space of NaN distinct points",
    );
  });
});

describe("configHash and sweepIdFor", () => {
  it("ignore key order, change with content, and slug the name and suffix", () => {
    const a = parseSweepConfig("name: My Study!\ntraining: {epochs: 2, batch_size: 64}\n", "a.yaml");
    const b = parseSweepConfig("training: {batch_size: 64, epochs: 2}\nname: My Study!\n", "b.yaml");
    const c = parseSweepConfig("name: My Study!\ntraining: {epochs: 3, batch_size: 64}\n", "c.yaml");
    expect(configHash(a)).toBe(configHash(b));
    expect(configHash(a)).not.toBe(configHash(c));
    expect(configHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(sweepIdFor(a)).toBe(`my-study-${configHash(a).slice(0, 8)}`);
    expect(sweepIdFor(a, "Run #2")).toBe(`my-study-${configHash(a).slice(0, 8)}-run-2`);
    const unnamed = parseSweepConfig("name: '***'\n", "d.yaml");
    expect(sweepIdFor(unnamed)).toMatch(/^sweep-[0-9a-f]{8}$/);
  });
});

describe("describeTrialParams", () => {
  it.each([
    [{ "model.conv": [{ filters: 64, kernel: 5 }] }, "conv=1x[64k5]"],
    [
      { "model.conv": [{ filters: 8, kernel: [3, 5], strides: 2, padding: "same", activation: "tanh" }] },
      "conv=1x[8k3x5s2sametanh]",
    ],
    [{ "model.pool": null, "model.dense": [] }, "pool=none dense=[]"],
    [{ "model.pool": { type: "avg", size: [2, 3] } }, "pool=avg2x3"],
    [{ "model.pool.size": 4 }, "pool=4"],
    [{ "model.pool.size": [2, 3] }, "pool=2x3"],
    [{ "model.dense": [128, { units: 64, activation: "tanh" }, { units: 32 }] }, "dense=[128,64tanh,32]"],
    [{ "training.optimizer": "sgd", "training.learning_rate": 0.01 }, "optimizer=sgd learning_rate=0.01"],
    [{ "model.input_shape": [28, 28, 1] }, "input_shape=[28,28,1]"],
    [{ "training.learning_rate": 0.012345678, "training.rho": 0.95 }, "learning_rate=0.01235 rho=0.95"],
  ])("%j reads %s", (params, expected) => {
    expect(describeTrialParams(params)).toBe(expected);
  });
});
