import { open } from "node:fs/promises";
import { constants, gunzipSync } from "node:zlib";
import { type DatasetShape, errorMessage, UsageError } from "@sweep/core";
import { CIFAR_CHANNELS, CIFAR_SIDE, cifarFiles, cifarRecords, isCifarFolder } from "./cifar.js";
import { findIdxFile, resolveDatasetFolder } from "./dataset.js";

const SOURCE = "dataset.source";

/** Bytes read from the start of a gzipped IDX file: far more than its 16-byte header compresses to. */
const GZIP_PREFIX_BYTES = 4096;

/**
 * The shape of a data set (`mnist`, a folder of IDX files, or of CIFAR-10 batches) from
 * the headers of its two image files (CIFAR-10: the batch sizes), without reading the images: what `plan`, `run` and `launch` check
 * every trial against before anything trains. A missing folder or file is a
 * UsageError naming `dataset.source`; a header that is not IDX names the file.
 */
export async function readDatasetShape(source: string): Promise<DatasetShape> {
  const folder = resolveDatasetFolder(source);
  if (isCifarFolder(folder)) {
    const files = cifarFiles(folder);
    const trainImages = files.train.reduce((sum, path) => sum + cifarRecords(path), 0);
    const side = { height: CIFAR_SIDE, width: CIFAR_SIDE, channels: CIFAR_CHANNELS };
    return { source, ...side, trainImages, testImages: cifarRecords(files.test) };
  }
  // One after the other: when both are bad, the error always names the training file.
  const train = await readImageDims(findIdxFile(folder, "train-images-idx3-ubyte"));
  const test = await readImageDims(findIdxFile(folder, "t10k-images-idx3-ubyte"));
  return { source, height: train[1], width: train[2], channels: 1, trainImages: train[0], testImages: test[0] };
}

/** `[count, rows, cols]` from an image file's IDX header (plain or gzip). */
async function readImageDims(path: string): Promise<[number, number, number]> {
  const file = await open(path, "r");
  let head: Uint8Array;
  try {
    const buffer = Buffer.alloc(GZIP_PREFIX_BYTES);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
  if (head[0] === 0x1f && head[1] === 0x8b) {
    try {
      head = gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch (error) {
      throw new UsageError(`dataset.source: ${path}: not a valid gzip file (${errorMessage(error)})`, SOURCE);
    }
  }
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (head.length < 16 || view.getUint32(0) !== 0x00000803) {
    throw new UsageError(`dataset.source: ${path}: not an IDX file of unsigned-byte images (magic 0x00000803)`, SOURCE);
  }
  return [view.getUint32(4), view.getUint32(8), view.getUint32(12)];
}
