import type { Layer } from "../model/layer.js";
import { summarizeModel } from "../model-summary.js";
import type { EpochMetrics } from "../trial.js";
import type { KeptKind } from "./kept-weights.js";

/** One weight as Keras names it (`conv2d_1/kernel`, `batch_normalization_1/moving_mean`) and its shape. */
export interface WeightSpec {
  name: string;
  shape: number[];
}

/** What a kept weights file says of itself (its JSON header). */
export interface WeightsFileHeader {
  format: 1;
  trialId: string;
  kind: KeptKind;
  epoch: number;
  /** The metrics of that epoch (not its timings: a resumed trial's file is the same bytes). */
  metrics: Pick<EpochMetrics, "epoch" | "loss" | "accuracy" | "val_loss" | "val_accuracy">;
  /** In Keras' order: layer by layer, each layer's weights as Keras lists them. */
  weights: WeightSpec[];
}

/**
 * The weights of a layer stack in Keras' order and names, as `sweep models` names the
 * layers (`kerasLayerNames`): Conv2D and Dense `kernel` (kh, kw, in, out / in, out) then
 * `bias`; BatchNormalization `gamma`, `beta`, `moving_mean`, `moving_variance`.
 */
export function kerasWeightSpecs(inputShape: [number, number, number], layers: readonly Layer[]): WeightSpec[] {
  const summary = summarizeModel(inputShape, layers);
  return summary.layers.flatMap(({ name, kind, inputShape: input, outputShape }, index) => {
    const layer = layers[index] as Layer;
    const inputs = input[input.length - 1] as number;
    const outputs = outputShape[outputShape.length - 1] as number;
    if (layer.kind === "conv2d") {
      return [
        { name: `${name}/kernel`, shape: [...layer.kernel, inputs, outputs] },
        { name: `${name}/bias`, shape: [outputs] },
      ];
    }
    if (kind === "dense") {
      return [
        { name: `${name}/kernel`, shape: [inputs, outputs] },
        { name: `${name}/bias`, shape: [outputs] },
      ];
    }
    if (kind === "batch_norm") {
      return ["gamma", "beta", "moving_mean", "moving_variance"].map((weight) => ({
        name: `${name}/${weight}`,
        shape: [outputs],
      }));
    }
    return [];
  });
}

/**
 * A kept weights file: uint32 header length (little-endian), the JSON header, zero
 * padding to a multiple of 4, then every weight's float32 values in the header's order.
 */
export function encodeWeightsFile(header: WeightsFileHeader, values: Float32Array): Uint8Array {
  const expected = header.weights.reduce((sum, { shape }) => sum + size(shape), 0);
  if (values.length !== expected) {
    throw new Error(`weights file: ${values.length} values for weights that hold ${expected}`);
  }
  return encodeFloatFile(header, [values]);
}

/** The header and values of a kept weights file; a file that is not one throws an Error saying so. */
export function decodeWeightsFile(bytes: Uint8Array): { header: WeightsFileHeader; values: Float32Array } {
  const { header, values } = decodeFloatFile<WeightsFileHeader>(bytes, "weights file");
  if (header?.format !== 1 || !Array.isArray(header.weights)) throw new Error("weights file: unknown format");
  const floats = header.weights.reduce((sum, { shape }) => sum + size(shape), 0);
  if (values.length !== floats) throw new Error("weights file: truncated data");
  return { header, values };
}

/**
 * The framing of kept weights files and checkpoints: uint32 header length
 * (little-endian), the header as JSON, zero padding to a multiple of 4, then the
 * float32 arrays one after another.
 */
export function encodeFloatFile(header: object, arrays: readonly Float32Array[]): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataOffset = align4(4 + json.length);
  const floats = arrays.reduce((sum, array) => sum + array.length, 0);
  const bytes = new Uint8Array(dataOffset + 4 * floats);
  new DataView(bytes.buffer).setUint32(0, json.length, true);
  bytes.set(json, 4);
  const data = new Float32Array(bytes.buffer, dataOffset, floats);
  let offset = 0;
  for (const array of arrays) {
    data.set(array, offset);
    offset += array.length;
  }
  return bytes;
}

/** The header and every value of `encodeFloatFile`'s bytes; bytes that are not its framing throw an Error naming `what`. */
export function decodeFloatFile<Header>(bytes: Uint8Array, what: string): { header: Header; values: Float32Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = bytes.byteLength >= 4 ? view.getUint32(0, true) : Number.POSITIVE_INFINITY;
  if (4 + headerLength > bytes.byteLength) throw new Error(`${what}: truncated header`);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as Header;
  } catch {
    throw new Error(`${what}: the header is not JSON`);
  }
  const dataOffset = align4(4 + headerLength);
  if (bytes.byteLength < dataOffset || (bytes.byteLength - dataOffset) % 4 !== 0) {
    throw new Error(`${what}: truncated data`);
  }
  return { header, values: new Float32Array(bytes.slice(dataOffset).buffer) };
}

const size = (shape: readonly number[]) => shape.reduce((product, dim) => product * dim, 1);
const align4 = (n: number) => Math.ceil(n / 4) * 4;
