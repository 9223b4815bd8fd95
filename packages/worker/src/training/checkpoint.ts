import type { EpochMetrics } from "@sweep/core";
import * as tf from "@tensorflow/tfjs-core";
import { DeterministicTrialError } from "../protocol.js";
import type { BestEpoch } from "./kept-weights.js";

/**
 * A trial's state after a finished epoch, enough to continue as if never stopped.
 * Bytes: uint32 header length (little-endian), the JSON header, zero padding to a
 * multiple of 4, then the float32 values of every weight and optimizer slot in order,
 * then (format 2, when the trial tracks it) its best epoch's weights so far
 * (`BestEpoch.values`), so a trial resumed elsewhere keeps the right best epoch.
 */
export interface TrainingState {
  epoch: number;
  /** `TrialRandom.state` after the epoch. */
  randomState: number;
  /** Optimizer updates applied so far. */
  iterations: number;
  /** Every finished epoch's metrics (the early-termination rule looks back over them). */
  history: EpochMetrics[];
}

interface CheckpointHeader extends TrainingState {
  format: 1 | 2;
  shapes: number[][];
  /** Format 2: the epoch of the best weights that follow the tensors, or null when none do. */
  bestEpoch?: number | null;
}

export async function encodeCheckpoint(
  state: TrainingState,
  tensors: tf.Variable[],
  best?: BestEpoch,
): Promise<Uint8Array> {
  const values = await Promise.all(tensors.map((tensor) => tensor.data<"float32">()));
  if (best) values.push(best.values);
  const shapes = tensors.map((tensor) => tensor.shape);
  const header: CheckpointHeader = { format: 2, ...state, shapes, bestEpoch: best?.epoch ?? null };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataOffset = align4(4 + json.length);
  const floats = values.reduce((sum, array) => sum + array.length, 0);
  const bytes = new Uint8Array(dataOffset + 4 * floats);
  new DataView(bytes.buffer).setUint32(0, json.length, true);
  bytes.set(json, 4);
  const data = new Float32Array(bytes.buffer, dataOffset, floats);
  let offset = 0;
  for (const array of values) {
    data.set(array, offset);
    offset += array.length;
  }
  return bytes;
}

/**
 * Restores `tensors` (the same weights and slots, in the same order) from a checkpoint
 * and returns its training state, with the best epoch's weights when it holds them. A
 * checkpoint from another model, or bytes that are not a checkpoint, is a
 * `DeterministicTrialError`.
 */
export function restoreCheckpoint(bytes: Uint8Array, tensors: tf.Variable[]): TrainingState & { best?: BestEpoch } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = bytes.byteLength >= 4 ? view.getUint32(0, true) : Number.POSITIVE_INFINITY;
  if (4 + headerLength > bytes.byteLength) throw new DeterministicTrialError("checkpoint: truncated header");
  const header = parseHeader(bytes.subarray(4, 4 + headerLength));
  const expected = tensors.map((tensor) => tensor.shape.join("x")).join(",");
  if (
    (header.format !== 1 && header.format !== 2) ||
    header.shapes.map((shape) => shape.join("x")).join(",") !== expected
  ) {
    throw new DeterministicTrialError(
      `checkpoint: holds tensors ${header.shapes?.map((shape) => shape.join("x")).join(",")}, this trial's model needs ${expected}`,
    );
  }
  const dataOffset = align4(4 + headerLength);
  const floats = tensors.reduce((sum, tensor) => sum + tensor.size, 0);
  const bestEpoch = header.bestEpoch ?? undefined;
  if (
    bytes.byteLength - dataOffset < 4 * floats ||
    (bestEpoch === undefined && bytes.byteLength - dataOffset > 4 * floats)
  ) {
    throw new DeterministicTrialError("checkpoint: truncated data");
  }
  const data = new Float32Array(bytes.slice(dataOffset).buffer);
  let offset = 0;
  for (const tensor of tensors) {
    const saved = tf.tensor(data.subarray(offset, offset + tensor.size), tensor.shape);
    tensor.assign(saved);
    saved.dispose();
    offset += tensor.size;
  }
  const { epoch, randomState, iterations, history } = header;
  const best = bestEpoch === undefined ? undefined : { epoch: bestEpoch, values: data.slice(floats) };
  return { epoch, randomState, iterations, history, ...(best ? { best } : {}) };
}

/** The JSON header; bytes that are not one (a damaged or foreign file) are a `DeterministicTrialError`. */
function parseHeader(bytes: Uint8Array): CheckpointHeader {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new DeterministicTrialError("checkpoint: header is not JSON (damaged or not a sweep checkpoint)");
  }
  if (typeof header !== "object" || header === null || !Array.isArray((header as CheckpointHeader).shapes)) {
    throw new DeterministicTrialError("checkpoint: header has no tensor shapes (damaged or not a sweep checkpoint)");
  }
  return header as CheckpointHeader;
}

const align4 = (n: number) => Math.ceil(n / 4) * 4;
