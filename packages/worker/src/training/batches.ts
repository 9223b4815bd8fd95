import type { DatasetSpec, TrainingSpec } from "@sweep/core";
import * as tf from "@tensorflow/tfjs-core";
import type { Dataset, ImageSet } from "../data/dataset.js";
import { DeterministicTrialError } from "../protocol.js";

/** A run of images of one split, by index into its shared arrays. */
export interface ImageSlice {
  set: ImageSet;
  start: number;
  count: number;
}

/** A trial's three parts of the data, as Keras' `fit(validation_split)` and `evaluate` see them. */
export interface TrialData {
  train: ImageSlice;
  validation: ImageSlice;
  test: ImageSlice;
}

/**
 * Keras' `validation_split`: the first `train_limit` training images are split at
 * floor(n × (1 − split)); the LAST part validates, before any shuffling.
 */
export function splitTrialData(dataset: Dataset, spec: DatasetSpec, training: TrainingSpec): TrialData {
  const trainable = Math.min(spec.train_limit ?? dataset.train.count, dataset.train.count);
  const splitAt = Math.floor(trainable * (1 - training.validation_split));
  if (splitAt < 1 || splitAt === trainable) {
    throw new DeterministicTrialError(
      `validation_split ${training.validation_split} of ${trainable} images leaves ${splitAt} to train and ${trainable - splitAt} to validate; both need at least one`,
    );
  }
  return {
    train: { set: dataset.train, start: 0, count: splitAt },
    validation: { set: dataset.train, start: splitAt, count: trainable - splitAt },
    test: { set: dataset.test, start: 0, count: Math.min(spec.test_limit ?? dataset.test.count, dataset.test.count) },
  };
}

/** One batch as tensors: images scaled to [0, 1] as [n, height, width, channels], one-hot labels. */
export interface Batch {
  images: tf.Tensor4D;
  labels: tf.Tensor2D;
}

/** Builds the batch of `slice` images at `positions` (offsets into the slice). */
export function makeBatch(slice: ImageSlice, positions: ArrayLike<number>, classes: number): Batch {
  const { set } = slice;
  const pixels = set.height * set.width * set.channels;
  const images = new Float32Array(positions.length * pixels);
  const labels = new Float32Array(positions.length * classes);
  for (let row = 0; row < positions.length; row++) {
    const index = slice.start + positions[row];
    const source = set.images.subarray(index * pixels, (index + 1) * pixels);
    const target = row * pixels;
    for (let p = 0; p < pixels; p++) images[target + p] = source[p] / 255;
    const label = set.labels[index];
    if (label >= classes) {
      throw new DeterministicTrialError(`image ${index} has label ${label}, but the model has ${classes} classes`);
    }
    labels[row * classes + label] = 1;
  }
  return {
    images: tf.tensor4d(images, [positions.length, set.height, set.width, set.channels]),
    labels: tf.tensor2d(labels, [positions.length, classes]),
  };
}

/** Offsets 0 … count−1 cut into batches of `size`, the last one partial. */
export function* batchPositions(order: Uint32Array, size: number): Generator<Uint32Array> {
  for (let start = 0; start < order.length; start += size) yield order.subarray(start, start + size);
}

export function identityOrder(count: number): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  return order;
}
