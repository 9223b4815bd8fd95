import type { Activation, Layer } from "@sweep/core";
import * as tf from "@tensorflow/tfjs-core";
import { DeterministicTrialError } from "../protocol.js";
import type { TrialRandom } from "./random.js";

/**
 * A Sequential CNN built from a trial's compiled layer stack with plain tfjs-core ops
 * and this trainer's own variables (no tfjs-layers), initialised as Keras 2 does:
 * glorot-uniform kernels from the trial's random stream, zero biases.
 */
export interface Network {
  /** Kernels and biases in layer order (kernel, bias, kernel, bias, …). */
  readonly weights: tf.Variable[];
  readonly paramCount: number;
  /**
   * Class logits for a [batch, height, width, channels] input. With `dropoutSeeds`
   * (training) each Dropout layer draws its mask seed from it; without, dropout is off.
   * The last Dense's softmax is left to the loss, which applies it.
   */
  logits(input: tf.Tensor4D, dropoutSeeds?: TrialRandom): tf.Tensor2D;
  dispose(): void;
}

type Shape = [number, number, number] | [number];

type BuiltLayer =
  | { kind: "conv2d"; layer: Extract<Layer, { kind: "conv2d" }>; kernel: tf.Variable; bias: tf.Variable }
  | { kind: "dense"; layer: Extract<Layer, { kind: "dense" }>; kernel: tf.Variable; bias: tf.Variable }
  | { kind: "pool2d"; layer: Extract<Layer, { kind: "pool2d" }> }
  | { kind: "dropout"; rate: number }
  | { kind: "flatten"; size: number };

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
  let shape: Shape = inputShape;
  const invalid = (index: number, rule: string) => {
    for (const weight of weights) weight.dispose();
    return new DeterministicTrialError(`invalid layer stack: layer ${index} (${layers[index]?.kind}) ${rule}`);
  };
  const variable = (values: Float32Array, dims: number[]) => {
    const initial = tf.tensor(values, dims);
    const created = tf.variable(initial, true, undefined, "float32");
    initial.dispose();
    weights.push(created);
    return created;
  };

  for (const [index, layer] of layers.entries()) {
    if (layer.kind === "conv2d" || layer.kind === "pool2d") {
      if (shape.length !== 3) throw invalid(index, "needs an image input, but follows Flatten");
      const window = layer.kind === "conv2d" ? layer.kernel : layer.size;
      const [height, width, channels]: number[] = shape;
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
    } else if (layer.kind === "dropout") {
      built.push({ kind: "dropout", rate: layer.rate });
    } else {
      throw invalid(index, "is not supported by this worker");
    }
  }

  const last = layers.length - 1;
  const classifier = layers[last];
  if (classifier?.kind !== "dense" || classifier.activation !== "softmax" || classifier.units !== classes) {
    throw invalid(last, `must be the classifier Dense(${classes}, softmax)`);
  }

  return {
    weights,
    paramCount: weights.reduce((sum, weight) => sum + weight.size, 0),
    logits: (input, dropoutSeeds) => forward(built, input, dropoutSeeds),
    dispose: () => {
      for (const weight of weights) weight.dispose();
    },
  };
}

function windowOutput(size: number, window: number, stride: number, padding: "valid" | "same"): number {
  return padding === "same" ? Math.ceil(size / stride) : Math.ceil((size - window + 1) / stride);
}

function forward(built: BuiltLayer[], input: tf.Tensor4D, dropoutSeeds?: TrialRandom): tf.Tensor2D {
  let x: tf.Tensor = input;
  built.forEach((step, index) => {
    const isClassifier = index === built.length - 1;
    if (step.kind === "conv2d") {
      const { strides, padding, activation } = step.layer;
      x = withActivation(activation, (fused) =>
        tf.fused.conv2d({
          x: x as tf.Tensor4D,
          filter: step.kernel as tf.Tensor4D,
          strides,
          pad: padding,
          bias: step.bias,
          activation: fused,
        }),
      );
    } else if (step.kind === "dense") {
      const activation = isClassifier ? "linear" : step.layer.activation;
      x = withActivation(activation, (fused) =>
        tf.fused.matMul({ a: x as tf.Tensor2D, b: step.kernel as tf.Tensor2D, bias: step.bias, activation: fused }),
      );
    } else if (step.kind === "pool2d") {
      const { mode, size, strides, padding } = step.layer;
      const pool = mode === "max" ? tf.maxPool : tf.avgPool;
      x = pool(x as tf.Tensor4D, size, strides, padding);
    } else if (step.kind === "flatten") {
      x = tf.reshape(x, [-1, step.size]);
    } else if (dropoutSeeds && step.rate > 0) {
      x = tf.dropout(x, step.rate, undefined, dropoutSeeds.nextUint32());
    }
  });
  return x as tf.Tensor2D;
}

/** Fuses relu/linear into the op (their gradients are fused too); applies the others after it. */
function withActivation(activation: Activation, op: (fused: "relu" | "linear") => tf.Tensor): tf.Tensor {
  if (activation === "relu" || activation === "linear") return op(activation);
  const linear = op("linear");
  switch (activation) {
    case "tanh":
      return tf.tanh(linear);
    case "sigmoid":
      return tf.sigmoid(linear);
    case "softmax":
      return tf.softmax(linear);
  }
}
