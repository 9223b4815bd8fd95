import type { Layer } from "@sweep/core";
import * as tf from "@tensorflow/tfjs-core";
import { DeterministicTrialError } from "../protocol.js";
import { type BatchMoments, type BuiltLayer, forward, updateMovingStatistics } from "./network-forward.js";
import type { TrialRandom } from "./random.js";

/**
 * A Sequential CNN built from a trial's compiled layer stack with plain tfjs-core ops
 * and this trainer's own variables (no tfjs-layers), initialised as Keras 2 does:
 * glorot-uniform kernels from the trial's random stream, zero biases;
 * BatchNormalization gamma 1, beta 0, moving mean 0, moving variance 1.
 */
export interface Network {
  /** Trainable weights in layer order (kernel, bias, …; BatchNormalization: gamma, beta). */
  readonly weights: tf.Variable[];
  /** Non-trainable state in layer order: each BatchNormalization's moving mean and variance. */
  readonly state: tf.Variable[];
  /**
   * Every variable in Keras' order, layer by layer (kernel, bias; BatchNormalization:
   * gamma, beta, moving mean, moving variance): the order of core's `kerasWeightSpecs`.
   */
  readonly kerasOrder: tf.Variable[];
  /** Every parameter, trainable or not, as Keras' `count_params()`. */
  readonly paramCount: number;
  /**
   * Class logits for a [batch, height, width, channels] input. With `dropoutSeeds`
   * (training) each Dropout layer draws its mask seed from it and BatchNormalization
   * uses (and remembers) the batch's statistics; without, dropout is off and
   * BatchNormalization uses its moving statistics. The last Dense's softmax is left
   * to the loss, which applies it.
   */
  logits(input: tf.Tensor4D, dropoutSeeds?: TrialRandom): tf.Tensor2D;
  /** After a training step: folds the last training pass's batch statistics into the moving ones. */
  updateStatistics(): void;
  dispose(): void;
}

type Shape = [number, number, number] | [number];

/** Glorot-uniform limit: sqrt(6 / (fan_in + fan_out)), fans as Keras computes them. */
export function glorotLimit(fanIn: number, fanOut: number): number {
  return Math.sqrt(6 / (fanIn + fanOut));
}

/**
 * Builds the network for `inputShape` ([height, width, channels]). An impossible stack
 * (a conv after Flatten, a window larger than its input, a classifier that is not
 * Dense(classes, softmax)) is a `DeterministicTrialError` naming the layer.
 */
export function buildNetwork(
  layers: Layer[],
  inputShape: [number, number, number],
  classes: number,
  random: TrialRandom,
): Network {
  const built: BuiltLayer[] = [];
  const weights: tf.Variable[] = [];
  const state: tf.Variable[] = [];
  let shape: Shape = inputShape;
  const invalid = (index: number, rule: string) => {
    for (const variable of [...weights, ...state]) variable.dispose();
    return new DeterministicTrialError(`invalid layer stack: layer ${index} (${layers[index]?.kind}) ${rule}`);
  };
  const variable: MakeVariable = (values, dims, trainable = true) => {
    const initial = tf.tensor(values, dims);
    const created = tf.variable(initial, trainable, undefined, "float32");
    initial.dispose();
    (trainable ? weights : state).push(created);
    return created;
  };

  for (const [index, layer] of layers.entries()) {
    if (layer.kind === "conv2d" || layer.kind === "pool2d" || layer.kind === "global_pool2d") {
      if (shape.length !== 3) throw invalid(index, "needs an image input, but follows Flatten");
      const [height, width, channels]: number[] = shape;
      if (layer.kind === "global_pool2d") {
        built.push({ kind: "global_pool2d", mode: layer.mode });
        shape = [channels];
        continue;
      }
      const window = layer.kind === "conv2d" ? layer.kernel : layer.size;
      const outHeight = windowOutput(height, window[0], layer.strides[0], layer.padding);
      const outWidth = windowOutput(width, window[1], layer.strides[1], layer.padding);
      if (outHeight < 1 || outWidth < 1) {
        throw invalid(index, `window ${window.join("x")} does not fit its ${height}x${width} input`);
      }
      if (layer.kind === "pool2d") {
        built.push({ kind: "pool2d", layer });
        shape = [outHeight, outWidth, channels];
        continue;
      }
      const [kh, kw] = layer.kernel;
      const limit = glorotLimit(kh * kw * channels, kh * kw * layer.filters);
      const kernel = variable(random.uniform(kh * kw * channels * layer.filters, -limit, limit), [
        kh,
        kw,
        channels,
        layer.filters,
      ]);
      const bias = variable(new Float32Array(layer.filters), [layer.filters]);
      built.push({ kind: "conv2d", layer, kernel, bias });
      shape = [outHeight, outWidth, layer.filters];
    } else if (layer.kind === "batch_norm") {
      built.push(batchNormLayer(layer, shape[shape.length - 1] as number, variable));
    } else if (layer.kind === "flatten") {
      const size: number = shape.reduce((product, dim) => product * dim, 1);
      built.push({ kind: "flatten", size });
      shape = [size];
    } else if (layer.kind === "dense") {
      if (shape.length !== 1) throw invalid(index, "needs a flat input; put a Flatten before it");
      const [inputs] = shape;
      const limit = glorotLimit(inputs, layer.units);
      const kernel = variable(random.uniform(inputs * layer.units, -limit, limit), [inputs, layer.units]);
      const bias = variable(new Float32Array(layer.units), [layer.units]);
      built.push({ kind: "dense", layer, kernel, bias });
      shape = [layer.units];
    } else {
      built.push(layer.kind === "activation" ? layer : { kind: "dropout", rate: layer.rate });
    }
  }

  const last = layers.length - 1;
  const classifier = layers[last];
  if (classifier?.kind !== "dense" || classifier.activation !== "softmax" || classifier.units !== classes) {
    throw invalid(last, `must be the classifier Dense(${classes}, softmax)`);
  }
  return assemble(built, weights, state);
}

type MakeVariable = (values: Float32Array, dims: number[], trainable?: boolean) => tf.Variable;

/** Keras' initial BatchNormalization weights: gamma 1, beta 0, moving mean 0, moving variance 1. */
function batchNormLayer(
  layer: Extract<Layer, { kind: "batch_norm" }>,
  channels: number,
  variable: MakeVariable,
): BuiltLayer {
  const ones = () => new Float32Array(channels).fill(1);
  const gamma = variable(ones(), [channels]);
  const beta = variable(new Float32Array(channels), [channels]);
  const movingMean = variable(new Float32Array(channels), [channels], false);
  const movingVariance = variable(ones(), [channels], false);
  return { kind: "batch_norm", layer, norm: { gamma, beta, movingMean, movingVariance } };
}

function assemble(built: BuiltLayer[], weights: tf.Variable[], state: tf.Variable[]): Network {
  const moments: BatchMoments[] = [];
  const dropMoments = () => tf.dispose(moments.splice(0).flatMap(({ mean, variance }) => [mean, variance]));
  return {
    weights,
    state,
    kerasOrder: built.flatMap((step) => {
      if (step.kind === "conv2d" || step.kind === "dense") return [step.kernel, step.bias];
      if (step.kind !== "batch_norm") return [];
      const { gamma, beta, movingMean, movingVariance } = step.norm;
      return [gamma, beta, movingMean, movingVariance];
    }),
    paramCount: [...weights, ...state].reduce((sum, weight) => sum + weight.size, 0),
    logits: (input, dropoutSeeds) => {
      if (dropoutSeeds) dropMoments();
      return forward(built, input, dropoutSeeds, moments);
    },
    updateStatistics: () => updateMovingStatistics(moments),
    dispose: () => {
      dropMoments();
      for (const variable of [...weights, ...state]) variable.dispose();
    },
  };
}

function windowOutput(size: number, window: number, stride: number, padding: "valid" | "same"): number {
  return padding === "same" ? Math.ceil(size / stride) : Math.ceil((size - window + 1) / stride);
}
