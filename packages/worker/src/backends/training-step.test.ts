import { Worker } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { describeOnBackends, useBackend } from "../../test/backends.js";
import { initBackend, tensorflowInstalled } from "./index.js";
import { maxAbsDifference, randomValues, valuesOn } from "./kernel-check.js";

type Shapes = Record<string, number[]>;
type Forward = (parameters: Record<string, tf.Variable>) => tf.Scalar;

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const fixed = (shape: number[], seed: number, scale = 0.5) => tf.tensor(randomValues(size(shape), seed, scale), shape);

/** Loss followed by the gradient of every parameter (in `shapes` order), parameters built from fixed values. */
function lossAndGradients(shapes: Shapes, forward: Forward): tf.Tensor[] {
  const parameters = Object.fromEntries(
    Object.entries(shapes).map(([name, shape], i) => [name, tf.variable(fixed(shape, 20 + i))]),
  );
  const { value, grads } = tf.variableGrads(() => forward(parameters));
  const gradients = Object.keys(shapes).map((name) => grads[parameters[name].name]);
  tf.dispose(Object.values(parameters));
  return [value, ...gradients];
}

/** A tiny 2-conv + pool + dense net (the first conv takes the im2col filter-gradient path). */
const tinyNetShapes: Shapes = {
  conv1: [3, 3, 1, 16],
  conv2: [3, 3, 16, 6],
  conv2Bias: [6],
  dense: [4 * 4 * 6, 10],
  denseBias: [10],
};
const tinyNet: Forward = (p) => {
  const images = fixed([5, 10, 10, 1], 30, 1) as tf.Tensor4D;
  const labels = tf.oneHot(tf.tensor1d([0, 3, 9, 3, 7], "int32"), 10);
  const conv1 = tf.relu(tf.conv2d(images, p.conv1 as tf.Tensor4D, 1, "valid")) as tf.Tensor4D;
  const conv2 = tf.relu(tf.add(tf.conv2d(conv1, p.conv2 as tf.Tensor4D, 1, "same"), p.conv2Bias));
  const pooled = tf.maxPool(conv2 as tf.Tensor4D, 2, 2, "valid");
  const logits = tf.add(tf.matMul(tf.reshape(pooled, [5, -1]), p.dense), p.denseBias);
  return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
};

/** The other layer kinds a model spec allows: strided conv, tanh, sigmoid, avg pool, dropout, Keras crossentropy. */
const otherLayersShapes: Shapes = {
  conv1: [3, 3, 1, 6],
  conv2: [3, 3, 6, 8],
  conv2Bias: [8],
  dense: [3 * 3 * 8, 7],
  denseBias: [7],
};
const otherLayersNet: Forward = (p) => {
  const images = fixed([4, 12, 12, 1], 31, 1) as tf.Tensor4D;
  const labels = tf.oneHot(tf.tensor1d([0, 3, 6, 2], "int32"), 7);
  const conv1 = tf.tanh(tf.conv2d(images, p.conv1 as tf.Tensor4D, 2, "same")) as tf.Tensor4D;
  const conv2 = tf.sigmoid(tf.add(tf.conv2d(conv1, p.conv2 as tf.Tensor4D, 1, "same"), p.conv2Bias));
  const pooled = tf.avgPool(conv2 as tf.Tensor4D, 2, 2, "same");
  const keep = tf.cast(tf.greaterEqual(fixed(pooled.shape, 32, 1), -0.4), "float32");
  const dropped = tf.mul(pooled, tf.div(keep, 0.7));
  const logits = tf.add(tf.matMul(tf.reshape(dropped, [4, -1]), p.dense), p.denseBias);
  const probabilities = tf.clipByValue(tf.softmax(logits), 1e-7, 1 - 1e-7);
  return tf.mean(tf.neg(tf.sum(tf.mul(labels, tf.log(probabilities)), -1))) as tf.Scalar;
};

describeOnBackends(["tensorflow", "wasm"], "training", (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  for (const [label, shapes, forward] of [
    ["a 2-conv + pool + dense net", tinyNetShapes, tinyNet],
    ["strided conv, tanh, sigmoid, avg pool, dropout and Keras crossentropy", otherLayersShapes, otherLayersNet],
  ] as const) {
    it(`gives the cpu backend's loss and gradients for ${label}`, async () => {
      const [loss, ...gradients] = await valuesOn(backend, () => lossAndGradients(shapes, forward));
      const [cpuLoss, ...onCpu] = await valuesOn("cpu", () => lossAndGradients(shapes, forward));
      expect(loss[0]).toBeCloseTo(cpuLoss[0], 5);
      onCpu.forEach((cpuGradient, i) => {
        const scale = Math.max(...cpuGradient.map(Math.abs));
        expect(scale).toBeGreaterThan(0);
        expect(maxAbsDifference(gradients[i], cpuGradient) / scale).toBeLessThan(1e-5);
      });
    });
  }

  it("does not grow the tensor count or the backend's memory across steps", async () => {
    await tf.setBackend(backend);
    const backendMemory = () => {
      const active = tf.backend() as unknown as { numDataIds(): number; wasm?: { HEAPU8: Uint8Array } };
      return { data: active.numDataIds(), heap: active.wasm?.HEAPU8.length };
    };
    const step = () => tf.dispose(tf.tidy(() => lossAndGradients(tinyNetShapes, tinyNet)));
    step();
    const before = { tensors: tf.memory().numTensors, ...backendMemory() };
    for (let i = 0; i < 5; i++) step();
    expect({ tensors: tf.memory().numTensors, ...backendMemory() }).toEqual(before);
  });

  it("trains inside a worker thread (built package)", async () => {
    const backendModule = new URL("../../dist/backends/index.js", import.meta.url).href;
    const worker = new Worker(
      `const { parentPort } = require("node:worker_threads");
       (async () => {
         const tf = require("@tensorflow/tfjs-core");
         const { initBackend } = await import(${JSON.stringify(backendModule)});
         await initBackend(${JSON.stringify(backend)});
         const { name } = await initBackend(${JSON.stringify(backend)});
         const x = tf.ones([2, 5, 5, 3]);
         const dy = tf.ones([2, 3, 3, 4]);
         const dw = tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, { strides: 1, pad: "valid", dataFormat: "NHWC", filterShape: [3, 3, 3, 4] });
         const threads = name === "wasm" ? require("@tensorflow/tfjs-backend-wasm").getThreadsCount() : undefined;
         parentPort.postMessage({ name, threads, values: Array.from(dw.dataSync()) });
       })().catch((error) => parentPort.postMessage({ error: String(error) }));`,
      { eval: true },
    );
    const reply = await new Promise<{ name: string; threads?: number; values: number[]; error?: string }>(
      (resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      },
    );
    await worker.terminate();
    expect(reply.error).toBeUndefined();
    expect(reply).toMatchObject({ name: backend, threads: backend === "wasm" ? 1 : undefined });
    // every tap sees 2 images × 3 × 3 positions of ones
    expect(reply.values).toEqual(new Array(3 * 3 * 3 * 4).fill(18));
  });
});

describe("initBackend", () => {
  it("is idempotent; auto takes tensorflow where tfjs-node is built, else wasm", async () => {
    expect(await initBackend("auto")).toEqual({ name: tensorflowInstalled() ? "tensorflow" : "wasm" });
    expect(await initBackend("wasm")).toEqual({ name: "wasm" });
    expect(await initBackend("cpu")).toEqual({ name: "cpu" });
    expect(await initBackend("wasm")).toEqual({ name: "wasm" });
  });

  it.skipIf(tensorflowInstalled())(
    "rejects --backend tensorflow with a UsageError where tfjs-node is not built (with sweep's patch)",
    async () => {
      await expect(initBackend("tensorflow")).rejects.toMatchObject({
        name: "UsageError",
        message: expect.stringMatching(
          /^--backend tensorflow: @tensorflow\/tfjs-node(?: is not installed or does not load; build it|'s addon .* is built without sweep's thread-safety patch .*; rebuild it) with `npm run native:install`/,
        ),
      });
    },
  );
});
