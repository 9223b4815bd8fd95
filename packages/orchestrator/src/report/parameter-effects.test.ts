import { validateSweepConfig } from "@sweep/core";
import { describe, expect, it } from "vitest";
import { parameterEffects } from "./parameter-effects.js";

describe("parameterEffects", () => {
  it("gives the metric by value of each swept parameter, best value first, base values filled in", () => {
    const config = validateSweepConfig({
      name: "x",
      model: { pool: { size: 2 } },
      parameters: { "model.pool.size": { values: [2, 4] }, "training.epochs": { value: 3 } },
    });
    const effects = parameterEffects(
      [
        { params: {}, score: 0.05 },
        { params: {}, score: 0.07 },
        { params: { "model.pool.size": 4 }, score: 0.04 },
        { params: { "model.pool.size": 4 }, score: 0.08 },
        { params: { "model.pool.size": 4 }, score: 0.09 },
        { params: { "model.pool.size": 4 }, score: null },
      ],
      config,
    );
    expect(effects).toEqual([
      {
        path: "model.pool.size",
        unscored: 1,
        values: [
          { value: "4", trials: 3, best: 0.04, median: 0.08, worst: 0.09 },
          { value: "2", trials: 2, best: 0.05, median: 0.060000000000000005, worst: 0.07 },
        ],
      },
    ]);
  });

  it("without a config, takes every path the trials differ in", () => {
    const effects = parameterEffects([{ params: { "model.dense": [64] }, score: 0.1 }], null);
    expect(effects.map((e) => [e.path, e.values.map((v) => v.value)])).toEqual([["model.dense", ["[64]"]]]);
  });
});
