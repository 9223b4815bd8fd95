import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { decodeWeightsFile, type EpochMetrics, type TrialSpec } from "@sweep/core";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeOnBackends, useBackend } from "../../test/backends.js";
import { type Dataset, loadDataset } from "../data/dataset.js";
import type { KeptWeightsBytes, TrainOutcome, TrainProgress } from "../protocol.js";
import { trialOf } from "../reference-models.js";
import { type ImageSlice, identityOrder, makeBatch, splitTrialData } from "../training/batches.js";
import { assignValues } from "../training/kept-weights.js";
import { buildNetwork } from "../training/network.js";
import { TrialRandom } from "../training/random.js";
import { trainTrial } from "../training/train-trial.js";
import { layersModelFiles } from "./layers-model.js";
import { loadModelDir, writeModelDir } from "./model-dir.js";

let mnist: Dataset;
let backend: string;
const dirs: string[] = [];
beforeAll(async () => {
  mnist = await loadDataset("mnist");
});
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const training = { epochs: 2, batch_size: 32, optimizer: "adam", keep_weights: "both" } as const;
const dataset = { train_limit: 300, test_limit: 200 };

/** One trial per layer kind the model language has. */
const TRIALS: Record<string, object> = {
  "flat stack with dropout": {
    conv: [{ filters: 4 }, { filters: 8 }],
    pool: { size: 2 },
    conv_dropout: 0.25,
    dense: [16],
    dense_dropout: 0.5,
  },
  "blocks with BatchNormalization, global average head": {
    blocks: [
      { conv: [{ filters: 4 }], batch_norm: true, pool: { size: 2 } },
      { conv: [{ filters: 8, padding: "same" }], batch_norm: "after_activation", pool: { type: "avg", size: 2 } },
    ],
    head: "global_avg",
    dense: [],
  },
  "strided conv, same-padded pooling, global max head": {
    blocks: [{ conv: [{ filters: 6, strides: 2, activation: "tanh" }], pool: { size: 3, padding: "same" } }],
    head: "global_max",
    dense: [12],
    dense_dropout: 0,
  },
  "no pooling": { conv: [{ filters: 4 }], pool: null, conv_dropout: 0, dense: [], batch_norm: true },
};

async function train(trial: TrialSpec) {
  const progress: TrainProgress[] = [];
  const post = (p: TrainProgress) => progress.push(p);
  const outcome = await trainTrial({ trial, dataset: mnist, backend, cancelFlag: new Int32Array(1), post });
  const metrics = progress.flatMap((p) => (p.type === "epoch" ? [p.metrics] : []));
  return { outcome, metrics };
}

async function exported(trial: TrialSpec, kept: KeptWeightsBytes, viaFileUrl: boolean): Promise<tf.LayersModel> {
  const dir = path.join(await mkdtemp(path.join(os.tmpdir(), "sweep-export-")), "model");
  dirs.push(path.dirname(dir));
  const { files } = await layersModelFiles(trial.model.input_shape, trial.layers, kept.bytes);
  await writeModelDir(dir, files);
  return viaFileUrl ? tf.loadLayersModel(`file://${dir}/model.json`) : loadModelDir(dir);
}

/** Softmax probabilities of the trainer's own network with a kept file's weights. */
function trainerProbabilities(trial: TrialSpec, kept: KeptWeightsBytes, images: tf.Tensor4D): Float32Array {
  const network = buildNetwork(trial.layers, trial.model.input_shape, trial.model.classes, new TrialRandom(1));
  try {
    assignValues(network.kerasOrder, decodeWeightsFile(kept.bytes).values);
    return tf.tidy(() => tf.softmax(network.logits(images)).dataSync() as Float32Array);
  } finally {
    network.dispose();
  }
}

/** The loaded model's probabilities over a slice, its accuracy and Keras' clipped cross-entropy. */
function scored(model: tf.LayersModel, slice: ImageSlice, classes: number) {
  const batch = makeBatch(slice, identityOrder(slice.count), classes);
  try {
    return tf.tidy(() => {
      const probabilities = model.predict(batch.images) as tf.Tensor2D;
      const correct = tf.sum(tf.cast(tf.equal(tf.argMax(probabilities, 1), tf.argMax(batch.labels, 1)), "int32"));
      const clipped = tf.clipByValue(probabilities, 1e-7, 1 - 1e-7);
      const loss = tf.mean(tf.neg(tf.sum(tf.mul(batch.labels, tf.log(clipped)), -1)));
      return {
        probabilities: probabilities.dataSync() as Float32Array,
        accuracy: correct.dataSync()[0] / slice.count,
        loss: loss.dataSync()[0],
        images: tf.keep(batch.images.clone()),
      };
    });
  } finally {
    tf.dispose([batch.images, batch.labels]);
  }
}

const maxAbsDiff = (a: Float32Array, b: Float32Array) =>
  a.reduce((max, value, i) => Math.max(max, Math.abs(value - (b[i] ?? Number.NaN))), 0);

describeOnBackends(["tensorflow", "wasm"], "exported Layers model", (name) => {
  beforeAll(async () => {
    backend = await useBackend(name);
  });

  for (const [title, model] of Object.entries(TRIALS)) {
    it(`${title}: loads with the trainer's predictions and recorded accuracies`, async () => {
      const trial = trialOf("export", model, { training, dataset });
      const { outcome, metrics } = await train(trial);
      const completed = outcome as Extract<TrainOutcome, { status: "completed" }>;
      const [best, last] = completed.weights ?? [];
      const { validation, test } = splitTrialData(mnist, trial.dataset, trial.training);
      const tensorsBefore = tf.memory().numTensors;

      const lastModel = await exported(trial, last as KeptWeightsBytes, name === "tensorflow");
      const onTest = scored(lastModel, test, trial.model.classes);
      const own = trainerProbabilities(trial, last as KeptWeightsBytes, onTest.images as tf.Tensor4D);
      expect(maxAbsDiff(onTest.probabilities, own)).toBeLessThanOrEqual(1e-5);
      expect(onTest.accuracy).toBe(completed.test_accuracy);
      expect(onTest.loss).toBeCloseTo(completed.test_loss, 5);

      const bestModel = await exported(trial, best as KeptWeightsBytes, name === "tensorflow");
      const onValidation = scored(bestModel, validation, trial.model.classes);
      const bestEpoch = metrics[(best?.epoch ?? 0) - 1] as EpochMetrics;
      expect(onValidation.accuracy).toBe(bestEpoch.val_accuracy);
      expect(onValidation.loss).toBeCloseTo(bestEpoch.val_loss, 5);

      tf.dispose([onTest.images, onValidation.images]);
      lastModel.dispose();
      bestModel.dispose();
      expect(tf.memory().numTensors).toBe(tensorsBefore);
    });
  }

  it("restore_best_weights scores the test set on the best epoch's weights, and says so", async () => {
    const model = { conv: [], pool: null, conv_dropout: 0, dense: [64], dense_dropout: 0 };
    const overfitting = { ...training, epochs: 6, learning_rate: 0.01 };
    const restoring = trialOf("restore", model, { training: { ...overfitting, restore_best_weights: true }, dataset });
    const plain = trialOf("plain", model, { training: overfitting, dataset });
    const [restored, last] = [(await train(restoring)).outcome, (await train(plain)).outcome] as Extract<
      TrainOutcome,
      { status: "completed" }
    >[];
    const [best] = last?.weights ?? [];
    expect(best?.epoch).toBeLessThan(6);
    expect(restored).toMatchObject({ test_weights: "best", test_epoch: best?.epoch });
    expect(last).toMatchObject({ test_weights: "last", test_epoch: 6 });
    const bestModel = await exported(plain, best as KeptWeightsBytes, false);
    const onTest = scored(bestModel, splitTrialData(mnist, plain.dataset, plain.training).test, 10);
    tf.dispose(onTest.images);
    bestModel.dispose();
    expect(onTest.accuracy).toBe(restored?.test_accuracy);
    expect(onTest.loss).toBeCloseTo(restored?.test_loss as number, 5);
    expect(restored?.test_loss).not.toBe(last?.test_loss);
  });

  it("a trial whose val_loss rises after epoch k exports epoch k", async () => {
    const trial = trialOf(
      "overfit",
      { conv: [], pool: null, conv_dropout: 0, dense: [64], dense_dropout: 0 },
      { training: { ...training, epochs: 6, learning_rate: 0.01 }, dataset },
    );
    const { outcome, metrics } = await train(trial);
    const k = metrics.reduce((best, m) => (m.val_loss < best.val_loss ? m : best));
    expect(k.epoch).toBeLessThan(metrics.length);
    const [best] = (outcome as Extract<TrainOutcome, { status: "completed" }>).weights ?? [];
    expect(best?.epoch).toBe(k.epoch);
    const { validation } = splitTrialData(mnist, trial.dataset, trial.training);
    const model = await exported(trial, best as KeptWeightsBytes, false);
    const scores = scored(model, validation, trial.model.classes);
    tf.dispose(scores.images);
    model.dispose();
    expect(scores.accuracy).toBe(k.val_accuracy);
    expect(scores.loss).toBeCloseTo(k.val_loss, 5);
    const later = metrics.filter((m) => m.epoch > k.epoch).map((m) => m.val_loss);
    expect(Math.min(...later)).toBeGreaterThan(scores.loss);
  });
});
