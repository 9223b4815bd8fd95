import type { Layer, ModelSpec, Pair } from "./model-spec.js";

/** `3` → `[3, 3]`; `[3, 5]` stays. */
export function toPair(size: Pair): [number, number] {
  return typeof size === "number" ? [size, size] : [size[0], size[1]];
}

/**
 * Compiles a (validated) model spec to its Keras Sequential stack, in the order
 * documented on `modelSchema`:
 *   conv[0] → … → conv[n-1] → pool? → Dropout(conv_dropout)? → Flatten
 *   → for each dense[i]: Dense(units, activation) → Dropout(dense_dropout)?
 *   → Dense(classes, softmax)
 * A dropout rate of 0 adds no Dropout layer; `pool: null` adds no pooling layer.
 */
export function compileLayers(model: ModelSpec): Layer[] {
  const layers: Layer[] = model.conv.map((conv) => ({
    kind: "conv2d",
    filters: conv.filters,
    kernel: toPair(conv.kernel),
    strides: toPair(conv.strides),
    padding: conv.padding,
    activation: conv.activation,
  }));
  if (model.pool) {
    const size = toPair(model.pool.size);
    layers.push({
      kind: "pool2d",
      mode: model.pool.type,
      size,
      strides: model.pool.strides === undefined ? size : toPair(model.pool.strides),
      padding: model.pool.padding,
    });
  }
  if (model.conv_dropout > 0) layers.push({ kind: "dropout", rate: model.conv_dropout });
  layers.push({ kind: "flatten" });
  for (const dense of model.dense) {
    const spec = typeof dense === "number" ? { units: dense, activation: "relu" as const } : dense;
    layers.push({ kind: "dense", units: spec.units, activation: spec.activation });
    if (model.dense_dropout > 0) layers.push({ kind: "dropout", rate: model.dense_dropout });
  }
  layers.push({ kind: "dense", units: model.classes, activation: "softmax" });
  return layers;
}
