import { decodeFloatFile, type EpochMetrics, encodeFloatFile, errorMessage } from "@sweep/core";
import type * as tf from "@tensorflow/tfjs-core";
import { DeterministicTrialError } from "../protocol.js";
import { assignValues, type BestEpoch, readValues } from "./kept-weights.js";

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
  const shapes = tensors.map((tensor) => tensor.shape);
  const header: CheckpointHeader = { format: 2, ...state, shapes, bestEpoch: best?.epoch ?? null };
  return encodeFloatFile(header, [await readValues(tensors), ...(best ? [best.values] : [])]);
}

/**
 * Restores `tensors` (the same weights and slots, in the same order) from a checkpoint
 * and returns its training state, with the best epoch's weights when it holds them. A
 * checkpoint from another model, or bytes that are not a checkpoint, is a
 * `DeterministicTrialError`.
 */
export function restoreCheckpoint(bytes: Uint8Array, tensors: tf.Variable[]): TrainingState & { best?: BestEpoch } {
  let decoded: { header: CheckpointHeader; values: Float32Array };
  try {
    decoded = decodeFloatFile<CheckpointHeader>(bytes, "checkpoint");
  } catch (error) {
    throw new DeterministicTrialError(errorMessage(error));
  }
  const { header, values } = decoded;
  const expected = tensors.map((tensor) => tensor.shape.join("x")).join(",");
  if (
    (header.format !== 1 && header.format !== 2) ||
    header.shapes.map((shape) => shape.join("x")).join(",") !== expected
  ) {
    throw new DeterministicTrialError(
      `checkpoint: holds tensors ${header.shapes?.map((shape) => shape.join("x")).join(",")}, this trial's model needs ${expected}`,
    );
  }
  const floats = tensors.reduce((sum, tensor) => sum + tensor.size, 0);
  const bestEpoch = header.bestEpoch ?? undefined;
  if (values.length < floats || (bestEpoch === undefined && values.length > floats)) {
    throw new DeterministicTrialError("checkpoint: truncated data");
  }
  assignValues(tensors, values.subarray(0, floats));
  const { epoch, randomState, iterations, history } = header;
  const best = bestEpoch === undefined ? undefined : { epoch: bestEpoch, values: values.slice(floats) };
  return { epoch, randomState, iterations, history, ...(best ? { best } : {}) };
}
