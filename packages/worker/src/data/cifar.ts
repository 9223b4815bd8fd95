import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { UsageError } from "@sweep/core";

/*
 * The CIFAR-10 binary format (https://www.cs.toronto.edu/~kriz/cifar.html, "CIFAR-10
 * binary version"): data_batch_1.bin … data_batch_5.bin (training) and test_batch.bin,
 * each a run of 3,073-byte records: one label byte (0–9), then the 32×32 red plane,
 * the green plane and the blue plane, rows in order.
 */

export const CIFAR_SIDE = 32;
export const CIFAR_CHANNELS = 3;
const IMAGE_BYTES = CIFAR_SIDE * CIFAR_SIDE * CIFAR_CHANNELS;
const RECORD_BYTES = 1 + IMAGE_BYTES;
const TEST_FILE = "test_batch.bin";

/** True when `folder` holds CIFAR-10 binary batches (its first training batch). */
export function isCifarFolder(folder: string): boolean {
  return existsSync(join(folder, "data_batch_1.bin"));
}

/** The training batch files present, data_batch_1.bin upwards without a gap, and the test batch. */
export function cifarFiles(folder: string): { train: string[]; test: string } {
  const train: string[] = [];
  for (let n = 1; existsSync(join(folder, `data_batch_${n}.bin`)); n++) train.push(join(folder, `data_batch_${n}.bin`));
  const test = join(folder, TEST_FILE);
  if (!existsSync(test)) {
    throw new UsageError(
      `dataset.source: folder ${folder} holds CIFAR-10 training batches but no ${TEST_FILE}`,
      "dataset.source",
    );
  }
  return { train, test };
}

/** Images in a batch file, from its size; a size that is not whole records names the file. */
export function cifarRecords(path: string): number {
  const size = statSync(path).size;
  if (size % RECORD_BYTES !== 0) {
    throw new UsageError(
      `dataset.source: ${path}: a CIFAR-10 batch is whole 3,073-byte records (a label and 32x32x3 pixels), got ${size} bytes`,
      "dataset.source",
    );
  }
  return size / RECORD_BYTES;
}

/**
 * Reads batch files into interleaved (height, width, channel) images, as the trainer
 * feeds them to a Conv2D, and their labels.
 */
export async function readCifarBatches(
  paths: string[],
): Promise<{ images: Uint8Array; labels: Uint8Array; count: number }> {
  const counts = paths.map(cifarRecords);
  const count = counts.reduce((sum, n) => sum + n, 0);
  const images = new Uint8Array(new SharedArrayBuffer(count * IMAGE_BYTES));
  const labels = new Uint8Array(new SharedArrayBuffer(count));
  const plane = CIFAR_SIDE * CIFAR_SIDE;
  let image = 0;
  for (const path of paths) {
    const bytes = await readFile(path);
    for (let at = 0; at < bytes.length; at += RECORD_BYTES, image++) {
      labels[image] = bytes[at] as number;
      const target = image * IMAGE_BYTES;
      for (let pixel = 0; pixel < plane; pixel++) {
        for (let channel = 0; channel < CIFAR_CHANNELS; channel++) {
          images[target + pixel * CIFAR_CHANNELS + channel] = bytes[at + 1 + channel * plane + pixel] as number;
        }
      }
    }
  }
  return { images, labels, count };
}
