import { type ResolvedBlock, resolveBlocks } from "./model/blocks.js";
import { BATCH_NORM_DEFAULTS, type Layer } from "./model/layer.js";
import type { Pair } from "./model/parts.js";
import type { ModelSpec } from "./model-spec.js";

/** `3` → `[3, 3]`; `[3, 5]` stays. */
export function toPair(size: Pair): [number, number] {
  return typeof size === "number" ? [size, size] : [size[0], size[1]];
}

/** A compiled stack and, per layer, where a block model writes it (undefined for the flat keys). */
export interface CompiledModel {
  layers: Layer[];
  origins: (string | undefined)[];
}

/**
 * Compiles a (validated) model spec to its Keras Sequential stack, in the order
 * documented on `modelSchema`:
 *   for each block: for each conv: Conv2D → (BatchNormalization → Activation)?
 *     or Conv2D → BatchNormalization? (after_activation); then pool?, Dropout?
 *   → Flatten | GlobalAveragePooling2D | GlobalMaxPooling2D
 *   → for each dense[i]: Dense(units, activation) → Dropout(dense_dropout)?
 *   → Dense(classes, softmax)
 * A dropout rate of 0 adds no Dropout layer; no pool adds no pooling layer. A flat
 * spec compiles to exactly the layers it always did. Throws a UsageError for a
 * contradictory spec (see `resolveBlocks`).
 */
export function compileModel(model: ModelSpec): CompiledModel {
  const layers: Layer[] = [];
  const origins: (string | undefined)[] = [];
  const blocks = resolveBlocks(model);
  const blockModel = blocks.some((block) => block.path !== undefined);
  const add = (layer: Layer, origin: string) => {
    layers.push(layer);
    origins.push(blockModel ? origin : undefined);
  };
  for (const block of blocks) compileBlock(block, add);
  const head = model.head ?? "flatten";
  if (head === "flatten") add({ kind: "flatten" }, "model.head");
  else add({ kind: "global_pool2d", mode: head === "global_avg" ? "avg" : "max" }, "model.head");
  model.dense.forEach((dense, index) => {
    const spec = typeof dense === "number" ? { units: dense, activation: "relu" as const } : dense;
    add({ kind: "dense", units: spec.units, activation: spec.activation }, `model.dense[${index}]`);
    if (model.dense_dropout > 0) add({ kind: "dropout", rate: model.dense_dropout }, "model.dense_dropout");
  });
  add({ kind: "dense", units: model.classes, activation: "softmax" }, "model.classes");
  return { layers, origins };
}

/** `compileModel` without the origins: the stack a trial trains. */
export function compileLayers(model: ModelSpec): Layer[] {
  return compileModel(model).layers;
}

function compileBlock(block: ResolvedBlock, add: (layer: Layer, origin: string) => void): void {
  const at = (key: string) => `${block.path}.${key}${block.note ? `, ${block.note}` : ""}`;
  block.conv.forEach((conv, index) => {
    const before = block.batchNorm === "before_activation";
    add(
      {
        kind: "conv2d",
        filters: conv.filters,
        kernel: toPair(conv.kernel),
        strides: toPair(conv.strides),
        padding: conv.padding,
        activation: before ? "linear" : conv.activation,
      },
      at(`conv[${index}]`),
    );
    if (!block.batchNorm) return;
    add({ kind: "batch_norm", ...BATCH_NORM_DEFAULTS }, at("batch_norm"));
    if (before && conv.activation !== "linear")
      add({ kind: "activation", activation: conv.activation }, at("batch_norm"));
  });
  if (block.pool) {
    const size = toPair(block.pool.size);
    add(
      {
        kind: "pool2d",
        mode: block.pool.type,
        size,
        strides: block.pool.strides === undefined ? size : toPair(block.pool.strides),
        padding: block.pool.padding,
      },
      at("pool"),
    );
  }
  if (block.dropout > 0) add({ kind: "dropout", rate: block.dropout }, at("dropout"));
}
