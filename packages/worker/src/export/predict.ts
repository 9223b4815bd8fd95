import { decodeWeightsFile, type Layer } from "@sweep/core";
import * as tf from "@tensorflow/tfjs";
import { kerasSequential, setKerasWeights } from "./keras-layers.js";

/** Images as a model's input: `count` × height × width × channels values in [0, 1] (bytes ÷ 255). */
export interface ImageBatch {
  count: number;
  shape: [number, number, number];
  pixels: Float32Array;
}

/** The trial's Keras model with a kept weights file's values, in memory (what `sweep export` would write). */
export function modelFromKeptWeights(
  inputShape: [number, number, number],
  layers: readonly Layer[],
  weightsFile: Uint8Array,
): tf.LayersModel {
  const { header, values } = decodeWeightsFile(weightsFile);
  const model = kerasSequential(inputShape, layers);
  try {
    setKerasWeights(model, header.weights, values);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

/** The model's input shape without the batch axis: [height, width, channels]. */
export function modelInputShape(model: tf.LayersModel): number[] {
  return (model.inputs[0]?.shape ?? []).slice(1).map((dim) => dim ?? -1);
}

/** Each image's class probabilities (`count` × classes), predicted `batchSize` images at a time; no tensor is left. */
export function predictProbabilities(model: tf.LayersModel, images: ImageBatch, batchSize = 256): Float32Array[] {
  const rows: Float32Array[] = [];
  const size = images.shape[0] * images.shape[1] * images.shape[2];
  for (let start = 0; start < images.count; start += batchSize) {
    const count = Math.min(batchSize, images.count - start);
    const values = tf.tidy(() => {
      const input = tf.tensor4d(images.pixels.subarray(start * size, (start + count) * size), [count, ...images.shape]);
      return (model.predict(input) as tf.Tensor2D).dataSync() as Float32Array;
    });
    const classes = values.length / count;
    for (let i = 0; i < count; i++) rows.push(values.slice(i * classes, (i + 1) * classes));
  }
  return rows;
}

/** The most probable class and its probability (the first on a tie, as argmax). */
export function topClass(probabilities: Float32Array): { label: number; probability: number } {
  let label = 0;
  probabilities.forEach((p, index) => {
    if (p > (probabilities[label] as number)) label = index;
  });
  return { label, probability: probabilities[label] as number };
}

/** Keras' `evaluate`: mean categorical cross-entropy (probabilities clipped to [1e-7, 1 − 1e-7]) and accuracy. */
export function scorePredictions(
  rows: readonly Float32Array[],
  labels: ArrayLike<number>,
): { loss: number; accuracy: number } {
  let loss = 0;
  let correct = 0;
  rows.forEach((row, index) => {
    const label = labels[index] as number;
    const p = Math.min(Math.max(row[label] ?? 0, 1e-7), 1 - 1e-7);
    // As the trainer computes it: float32 log of the clipped float32 probability.
    loss -= Math.fround(Math.log(Math.fround(p)));
    if (topClass(row).label === label) correct++;
  });
  return { loss: loss / rows.length, accuracy: correct / rows.length };
}
