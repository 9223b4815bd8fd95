import { compileLayers, expandTrials, modelSchema, parseSweepConfig } from "@sweep/core";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../backends/index.js";
import { loadDataset } from "../data/dataset.js";
import type { TrainProgress } from "../protocol.js";
import { buildNetwork, glorotLimit } from "./network.js";
import { TrialRandom } from "./random.js";
import { trainTrial } from "./train-trial.js";

beforeAll(async () => {
  await initBackend("cpu");
});

const model1 = modelSchema.parse({});

describe("buildNetwork", () => {
  it("initialises Model1 as Keras does: glorot-uniform kernels within their fan limits, zero biases", () => {
    const network = buildNetwork(compileLayers(model1), [28, 28, 1], 10, new TrialRandom(42));
    expect(network.paramCount).toBe(1_199_882);
    const [conv1, conv1Bias, conv2, , dense1] = network.weights.map((weight) => weight.dataSync());
    const limits = [glorotLimit(3 * 3 * 1, 3 * 3 * 32), glorotLimit(3 * 3 * 32, 3 * 3 * 64), glorotLimit(9216, 128)];
    expect(limits[0]).toBeCloseTo(Math.sqrt(6 / 297), 12);
    for (const [index, kernel] of [conv1, conv2, dense1].entries()) {
      const largest = kernel.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
      expect(largest).toBeLessThanOrEqual(limits[index]);
      expect(largest).toBeGreaterThan(0.95 * limits[index]);
    }
    expect(conv1Bias.every((value) => value === 0)).toBe(true);
    const logits = tf.tidy(() => network.logits(tf.zeros([2, 28, 28, 1])).shape);
    expect(logits).toEqual([2, 10]);
    network.dispose();
  });

  it("rejects an impossible stack with a DeterministicTrialError naming the layer, leaving no tensors", () => {
    const before = tf.memory().numTensors;
    const tooDeep = modelSchema.parse({
      conv: [5, 5, 5, 5, 5, 5, 5].map(() => ({ filters: 4, kernel: 5 })),
      pool: null,
    });
    expect(() => buildNetwork(compileLayers(tooDeep), [28, 28, 1], 10, new TrialRandom(1))).toThrow(
      expect.objectContaining({
        name: "DeterministicTrialError",
        message: "invalid layer stack: layer 6 (conv2d) window 5x5 does not fit its 4x4 input",
      }),
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("a global pooling head on a 1x1 map", () => {
  it("builds (None, C) as Keras does, and trains", async () => {
    // A 28x28 kernel leaves a 1x1x4 map: the head pools it to 4 features.
    const yaml =
      "name: gap\nmodel: {conv: [{filters: 4, kernel: 28}], pool: null, conv_dropout: 0, head: global_avg, dense: []}\ntraining: {epochs: 1, batch_size: 50}\ndataset: {train_limit: 100, test_limit: 50}\n";
    const [trial] = expandTrials(parseSweepConfig(yaml, "gap.yaml"), "gap");
    if (!trial) throw new Error("no trial");
    const network = buildNetwork(trial.layers, [28, 28, 1], 10, new TrialRandom(1));
    expect(network.paramCount).toBe(28 * 28 * 4 + 4 + 4 * 10 + 10);
    expect(tf.tidy(() => network.logits(tf.zeros([2, 28, 28, 1])).shape)).toEqual([2, 10]);
    network.dispose();
    const progress: TrainProgress[] = [];
    const run = { trial, dataset: await loadDataset("mnist"), backend: "cpu", cancelFlag: new Int32Array(1) };
    const outcome = await trainTrial({ ...run, post: (p) => progress.push(p) });
    expect(outcome).toMatchObject({ status: "completed" });
    expect(progress.filter((p) => p.type === "epoch")).toHaveLength(1);
  });
});
