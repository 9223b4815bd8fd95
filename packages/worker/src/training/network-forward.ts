import type { Activation, Layer } from "@sweep/core";
import * as tf from "@tensorflow/tfjs-core";
import type { TrialRandom } from "./random.js";

/** A layer of the network with its variables. */
export type BuiltLayer =
  | { kind: "conv2d"; layer: Extract<Layer, { kind: "conv2d" }>; kernel: tf.Variable; bias: tf.Variable }
  | { kind: "dense"; layer: Extract<Layer, { kind: "dense" }>; kernel: tf.Variable; bias: tf.Variable }
  | { kind: "pool2d"; layer: Extract<Layer, { kind: "pool2d" }> }
  | { kind: "batch_norm"; layer: Extract<Layer, { kind: "batch_norm" }>; norm: BatchNormVariables }
  | { kind: "activation"; activation: Activation }
  | { kind: "global_pool2d"; mode: "max" | "avg" }
  | { kind: "dropout"; rate: number }
  | { kind: "flatten"; size: number };

/** Keras' BatchNormalization weights, in its order: gamma, beta (trainable), moving mean, moving variance. */
export interface BatchNormVariables {
  gamma: tf.Variable;
  beta: tf.Variable;
  movingMean: tf.Variable;
  movingVariance: tf.Variable;
}

/** A training pass's batch statistics of one BatchNormalization layer, kept until they update its moving ones. */
export interface BatchMoments {
  step: Extract<BuiltLayer, { kind: "batch_norm" }>;
  mean: tf.Tensor;
  variance: tf.Tensor;
}

/**
 * The logits of `input`. Training (with `dropoutSeeds`): Dropout draws its masks
 * from the seeds and BatchNormalization normalizes with the batch's mean and biased
 * variance over all axes but the channels, pushing them (kept) to `moments`.
 * Evaluation: no dropout, BatchNormalization uses its moving statistics.
 */
export function forward(
  built: BuiltLayer[],
  input: tf.Tensor4D,
  dropoutSeeds?: TrialRandom,
  moments?: BatchMoments[],
): tf.Tensor2D {
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
    } else if (step.kind === "batch_norm") {
      x = batchNormalize(step, x, dropoutSeeds !== undefined, moments);
    } else if (step.kind === "activation") {
      x = applyActivation(step.activation, x);
    } else if (step.kind === "global_pool2d") {
      x = step.mode === "avg" ? tf.mean(x, [1, 2]) : tf.max(x, [1, 2]);
    } else if (step.kind === "flatten") {
      x = tf.reshape(x, [-1, step.size]);
    } else if (dropoutSeeds && step.rate > 0) {
      x = tf.dropout(x, step.rate, undefined, dropoutSeeds.nextUint32());
    }
  });
  return x as tf.Tensor2D;
}

function batchNormalize(
  step: Extract<BuiltLayer, { kind: "batch_norm" }>,
  x: tf.Tensor,
  training: boolean,
  moments?: BatchMoments[],
): tf.Tensor {
  const { gamma, beta, movingMean, movingVariance } = step.norm;
  let mean: tf.Tensor = movingMean;
  let variance: tf.Tensor = movingVariance;
  if (training) {
    const axes = x.shape.slice(0, -1).map((_, axis) => axis);
    ({ mean, variance } = tf.moments(x, axes));
    moments?.push({ step, mean: tf.keep(mean), variance: tf.keep(variance) });
  }
  const scale = tf.mul(tf.rsqrt(tf.add(variance, step.layer.epsilon)), gamma);
  return tf.add(tf.mul(tf.sub(x, mean), scale), beta);
}

/**
 * Keras' moving-average update, after a training step: moving = moving × momentum +
 * batch × (1 − momentum), for the mean and the (biased) variance. Disposes the moments.
 */
export function updateMovingStatistics(moments: BatchMoments[]): void {
  for (const { step, mean, variance } of moments.splice(0)) {
    const { momentum } = step.layer;
    tf.tidy(() => {
      const { movingMean, movingVariance } = step.norm;
      movingMean.assign(tf.add(tf.mul(movingMean, momentum), tf.mul(mean, 1 - momentum)));
      movingVariance.assign(tf.add(tf.mul(movingVariance, momentum), tf.mul(variance, 1 - momentum)));
    });
    tf.dispose([mean, variance]);
  }
}

/** Fuses relu/linear into the op (their gradients are fused too); applies the others after it. */
export function withActivation(activation: Activation, op: (fused: "relu" | "linear") => tf.Tensor): tf.Tensor {
  if (activation === "relu" || activation === "linear") return op(activation);
  return applyActivation(activation, op("linear"));
}

function applyActivation(activation: Activation, x: tf.Tensor): tf.Tensor {
  switch (activation) {
    case "linear":
      return x;
    case "relu":
      return tf.relu(x);
    case "tanh":
      return tf.tanh(x);
    case "sigmoid":
      return tf.sigmoid(x);
    case "softmax":
      return tf.softmax(x);
  }
}
