import { describe, expect, it } from "vitest";
import type { EpochMetrics } from "../trial.js";
import { bestEpochOf, epochMonitor, isBetterEpoch, keptKinds } from "./kept-weights.js";
import { decodeWeightsFile, encodeWeightsFile, kerasWeightSpecs } from "./weights-file.js";

const epoch = (n: number, val_loss: number, val_accuracy = 0.5): EpochMetrics => ({
  epoch: n,
  loss: 1,
  accuracy: 0.5,
  val_loss,
  val_accuracy,
  duration_ms: 1,
  images_per_s: 1,
});

describe("the best epoch (Keras' ModelCheckpoint(save_best_only=True))", () => {
  const minLoss = { name: "val_loss", goal: "minimize" } as const;
  it("takes only a strictly better value: a tie keeps the earlier epoch, NaN never wins", () => {
    expect(bestEpochOf([epoch(1, 0.5), epoch(2, 0.4), epoch(3, 0.4), epoch(4, 0.6)], minLoss)?.epoch).toBe(2);
    expect(bestEpochOf([epoch(1, Number.NaN), epoch(2, 0.9), epoch(3, Number.NaN)], minLoss)?.epoch).toBe(2);
    expect(bestEpochOf([epoch(1, Number.NaN)], minLoss)).toBeUndefined();
    expect(isBetterEpoch(epoch(1, Number.POSITIVE_INFINITY), undefined, minLoss)).toBe(false);
  });
  it("maximizes a maximized metric, and judges a test metric by its validation twin", () => {
    const history = [epoch(1, 0.3, 0.8), epoch(2, 0.2, 0.9), epoch(3, 0.1, 0.85)];
    expect(bestEpochOf(history, epochMonitor({ name: "val_accuracy", goal: "maximize" }))?.epoch).toBe(2);
    expect(bestEpochOf(history, epochMonitor({ name: "test_loss", goal: "minimize" }))?.epoch).toBe(3);
    expect(epochMonitor({ name: "test_accuracy", goal: "maximize" })).toEqual({
      name: "val_accuracy",
      goal: "maximize",
    });
  });
  it("keeps what keep_weights names; absent means best", () => {
    expect([undefined, "best", "last", "both", "none"].map((k) => keptKinds(k as "best"))).toEqual([
      ["best"],
      ["best"],
      ["last"],
      ["best", "last"],
      [],
    ]);
  });
});

describe("kept weights files", () => {
  const layers = [
    { kind: "conv2d", filters: 2, kernel: [3, 3], strides: [1, 1], padding: "valid", activation: "linear" },
    { kind: "batch_norm", momentum: 0.99, epsilon: 0.001 },
    { kind: "activation", activation: "relu" },
    { kind: "global_pool2d", mode: "avg" },
    { kind: "dense", units: 10, activation: "softmax" },
  ] as const;
  const weights = kerasWeightSpecs([8, 8, 1], layers as never);
  const header = {
    format: 1 as const,
    trialId: "s-t000",
    kind: "best" as const,
    epoch: 2,
    metrics: { epoch: 2, loss: 1, accuracy: 0.5, val_loss: 0.9, val_accuracy: 0.6 },
    weights,
  };

  it("names the weights as Keras does, in its order", () => {
    expect(weights).toEqual([
      { name: "conv2d_1/kernel", shape: [3, 3, 1, 2] },
      { name: "conv2d_1/bias", shape: [2] },
      { name: "batch_normalization_1/gamma", shape: [2] },
      { name: "batch_normalization_1/beta", shape: [2] },
      { name: "batch_normalization_1/moving_mean", shape: [2] },
      { name: "batch_normalization_1/moving_variance", shape: [2] },
      { name: "dense_1/kernel", shape: [2, 10] },
      { name: "dense_1/bias", shape: [10] },
    ]);
  });

  it("round-trips, and says what is wrong with a file that is not one", () => {
    const values = Float32Array.from({ length: 18 + 2 + 8 + 20 + 10 }, (_, i) => i / 7);
    const bytes = encodeWeightsFile(header, values);
    expect(decodeWeightsFile(bytes)).toEqual({ header, values });
    expect(() => encodeWeightsFile(header, values.subarray(1))).toThrow("57 values for weights that hold 58");
    expect(() => decodeWeightsFile(bytes.subarray(0, bytes.length - 4))).toThrow("weights file: truncated data");
    expect(() => decodeWeightsFile(new Uint8Array([200, 0, 0, 0]))).toThrow("weights file: truncated header");
  });
});
