import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkTrialFitsData } from "@sweep/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useBackend } from "../../test/backends.js";
import type { TrainProgress } from "../protocol.js";
import { trialOf } from "../reference-models.js";
import { trainTrial } from "../training/train-trial.js";
import { loadDataset } from "./dataset.js";
import { readDatasetShape } from "./dataset-shape.js";

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** One CIFAR-10 record: the label, then the red, green and blue 32×32 planes; pixel p of plane c is (seed + 3p + c) mod 256. */
function record(label: number, seed: number): Buffer {
  const bytes = Buffer.alloc(3073);
  bytes[0] = label;
  for (let channel = 0; channel < 3; channel++) {
    for (let pixel = 0; pixel < 1024; pixel++) bytes[1 + channel * 1024 + pixel] = (seed + 3 * pixel + channel) % 256;
  }
  return bytes;
}

/** A CIFAR-10 folder: `batches` training files of the given record counts, and a test batch. */
function cifarFolder(batches: number[], testRecords = 2, extra: Record<string, Buffer> = {}): string {
  const folder = mkdtempSync(join(tmpdir(), "sweep-cifar-"));
  folders.push(folder);
  let seed = 0;
  batches.forEach((records, index) => {
    const file = Array.from({ length: records }, () => record(seed % 10, seed++));
    writeFileSync(join(folder, `data_batch_${index + 1}.bin`), Buffer.concat(file));
  });
  if (testRecords > 0) {
    const test = Array.from({ length: testRecords }, () => record(seed % 10, seed++));
    writeFileSync(join(folder, "test_batch.bin"), Buffer.concat(test));
  }
  for (const [name, bytes] of Object.entries(extra)) writeFileSync(join(folder, name), bytes);
  return folder;
}

describe("CIFAR-10 binary batches", () => {
  it("load as 32x32x3 images with interleaved channels, the batches in order", async () => {
    const folder = cifarFolder([2, 3]);
    const data = await loadDataset(folder);
    expect([data.train.count, data.train.height, data.train.width, data.train.channels]).toEqual([5, 32, 32, 3]);
    expect(data.test.count).toBe(2);
    expect(Array.from(data.train.labels)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(data.test.labels)).toEqual([5, 6]);
    // Image 3 (seed 3), pixel 1 (row 0, column 1): red 3+3, green 3+3+1, blue 3+3+2.
    const at = 3 * 3072 + 1 * 3;
    expect(Array.from(data.train.images.subarray(at, at + 3))).toEqual([6, 7, 8]);
  });

  it("have a shape from the batch sizes, and a model whose input_shape disagrees is one line", async () => {
    const folder = cifarFolder([4, 1], 3);
    const shape = await readDatasetShape(folder);
    expect(shape).toEqual({ source: folder, height: 32, width: 32, channels: 3, trainImages: 5, testImages: 3 });
    const mnistShaped = trialOf("mnist-shaped", {
      conv: [{ filters: 2, kernel: 3, strides: 1, padding: "valid", activation: "relu" }],
    });
    expect(() => checkTrialFitsData(mnistShaped, shape)).toThrow(
      `model.input_shape: trial "mnist-shaped" takes 28x28 images with 1 channel, but the data set ${JSON.stringify(folder)} holds 32x32 images with 3 channels, got [28,28,1]`,
    );
  });

  it("refuse a batch that is not whole records, and a folder without a test batch", async () => {
    const broken = cifarFolder([1], 1, { "data_batch_2.bin": Buffer.alloc(3000) });
    await expect(readDatasetShape(broken)).rejects.toThrow(
      `dataset.source: ${join(broken, "data_batch_2.bin")}: a CIFAR-10 batch is whole 3,073-byte records (a label and 32x32x3 pixels), got 3000 bytes`,
    );
    const noTest = cifarFolder([1], 0);
    await expect(loadDataset(noTest)).rejects.toThrow("holds CIFAR-10 training batches but no test_batch.bin");
  });
});

describe("training on CIFAR-10 batches", () => {
  beforeAll(async () => {
    await useBackend("wasm");
  });

  it("trains a block model with 3-channel input", async () => {
    const folder = cifarFolder([20, 20], 10);
    const trial = trialOf(
      "cifar",
      {
        input_shape: [32, 32, 3],
        blocks: [{ conv: [{ filters: 4 }], pool: { size: 2 }, batch_norm: true }],
        head: "global_avg",
        dense: [],
      } as never,
      { training: { epochs: 1, batch_size: 8 }, dataset: { source: folder } },
    );
    const progress: TrainProgress[] = [];
    const outcome = await trainTrial({
      trial,
      dataset: await loadDataset(folder),
      backend: "wasm",
      cancelFlag: new Int32Array(1),
      post: (p) => progress.push(p),
    });
    // conv 9·3·4+4 = 112, BN 16, Dense 4·10+10 = 50
    expect(progress[0]).toMatchObject({ type: "started", paramCount: 178 });
    expect(outcome).toMatchObject({ status: "completed", epochs: 1 });
  });
});
