import { kerasLayerNames, type Layer } from "@sweep/core";
import * as tf from "@tensorflow/tfjs";

/**
 * A tf.layers Sequential model with the Keras layers, names and configs of a trial's
 * layer stack (what `sweep models` prints), whose inference is this trainer's forward
 * pass (`network-forward.ts`): Conv2D and pooling with the same strides and padding,
 * BatchNormalization over the channels with the same epsilon and momentum, the
 * classifier Dense with its softmax. Its weights are Keras' initial ones until set.
 */
export function kerasSequential(inputShape: [number, number, number], layers: readonly Layer[]): tf.Sequential {
  const names = kerasLayerNames(layers);
  const model = tf.sequential({ name: "sequential_1" });
  layers.forEach((layer, index) => {
    const common = { name: names[index]?.name, ...(index === 0 ? { inputShape } : {}) };
    model.add(kerasLayer(layer, common));
  });
  return model;
}

type Common = { name?: string; inputShape?: [number, number, number] };

function kerasLayer(layer: Layer, common: Common): tf.layers.Layer {
  switch (layer.kind) {
    case "conv2d": {
      const { filters, kernel, strides, padding, activation } = layer;
      return tf.layers.conv2d({ ...common, filters, kernelSize: kernel, strides, padding, activation });
    }
    case "pool2d": {
      const options = { ...common, poolSize: layer.size, strides: layer.strides, padding: layer.padding };
      return layer.mode === "max" ? tf.layers.maxPooling2d(options) : tf.layers.averagePooling2d(options);
    }
    case "batch_norm":
      return tf.layers.batchNormalization({ ...common, axis: -1, momentum: layer.momentum, epsilon: layer.epsilon });
    case "activation":
      return tf.layers.activation({ ...common, activation: layer.activation });
    case "global_pool2d":
      return layer.mode === "max" ? tf.layers.globalMaxPooling2d(common) : tf.layers.globalAveragePooling2d(common);
    case "dropout":
      return tf.layers.dropout({ ...common, rate: layer.rate });
    case "flatten":
      return tf.layers.flatten(common);
    case "dense":
      return tf.layers.dense({ ...common, units: layer.units, activation: layer.activation });
  }
}

/**
 * Sets every weight of `model` from a kept weights file's values, by Keras name
 * (`conv2d_1/kernel`, …). A weight the file lacks, or one of another shape, throws.
 */
export function setKerasWeights(
  model: tf.LayersModel,
  specs: readonly { name: string; shape: number[] }[],
  values: Float32Array,
): void {
  const byName = new Map<string, { shape: number[]; offset: number }>();
  let offset = 0;
  for (const { name, shape } of specs) {
    byName.set(name, { shape, offset });
    offset += shape.reduce((product, dim) => product * dim, 1);
  }
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const tensors = layer.weights.map((weight) => {
      const spec = byName.get(weight.originalName);
      if (spec === undefined || spec.shape.join("x") !== weight.shape.join("x")) {
        throw new Error(`weights file: no ${weight.originalName} of shape ${weight.shape.join("x")}`);
      }
      const size = spec.shape.reduce((product, dim) => product * dim, 1);
      return tf.tensor(values.subarray(spec.offset, spec.offset + size), spec.shape);
    });
    layer.setWeights(tensors);
    tf.dispose(tensors);
  }
}
