import type { Layer } from "./model/layer.js";
import { layerShape } from "./model/layer-shape.js";

export { formatShape } from "./model/layer-shape.js";

/** One row of Keras' `model.summary()` / `plot_model(show_shapes=True)`. Shapes leave out the batch axis. */
export interface LayerSummary {
  /** Keras 2 auto-name: `conv2d_1`, `max_pooling2d_1`, `batch_normalization_1`, `dense_1`… */
  name: string;
  kind: Layer["kind"];
  /** Keras class name: Conv2D, MaxPooling2D, BatchNormalization, GlobalAveragePooling2D, Dense… */
  type: string;
  inputShape: number[];
  outputShape: number[];
  /** Parameters, as Keras' "Param #" counts them (BatchNormalization: 4 × channels). */
  params: number;
  /** The trainable ones (BatchNormalization: gamma and beta, 2 × channels). */
  trainableParams: number;
  /** Forward FLOPs per image: 2 × multiply-adds of conv and dense layers; 0 for the others. */
  flops: number;
}

export interface ModelSummary {
  inputShape: [number, number, number];
  outputShape: number[];
  layers: LayerSummary[];
  /** Keras' "Total params": trainable and non-trainable (BatchNormalization's moving statistics). */
  totalParams: number;
  trainableParams: number;
  /**
   * Forward FLOPs per image: 2 × the multiply-adds of the conv and dense layers
   * (conv: outH·outW·filters·kh·kw·cin; dense: in·units). Bias adds, activations,
   * normalization, pooling and dropout are not counted, as in most papers' FLOP figures.
   */
  flopsPerImage: number;
}

/** What a printed FLOPs figure counts (`sweep plan`, `sweep models`): said where it is printed. */
export const FLOPS_COUNTED =
  "2 × the multiply-adds of Conv2D and Dense (bias adds, BatchNormalization, pooling, activations and Dropout not counted)";

const KERAS_TYPES = {
  conv2d: ["Conv2D", "conv2d"],
  max: ["MaxPooling2D", "max_pooling2d"],
  avg: ["AveragePooling2D", "average_pooling2d"],
  global_max: ["GlobalMaxPooling2D", "global_max_pooling2d"],
  global_avg: ["GlobalAveragePooling2D", "global_average_pooling2d"],
  batch_norm: ["BatchNormalization", "batch_normalization"],
  activation: ["Activation", "activation"],
  dropout: ["Dropout", "dropout"],
  flatten: ["Flatten", "flatten"],
  dense: ["Dense", "dense"],
} as const;

function kerasType(layer: Layer): readonly [string, string] {
  if (layer.kind === "pool2d") return KERAS_TYPES[layer.mode];
  if (layer.kind === "global_pool2d") return KERAS_TYPES[`global_${layer.mode}`];
  return KERAS_TYPES[layer.kind];
}

/** Keras 2 auto-names and class names of a stack: `conv2d_1`, `conv2d_2`, `batch_normalization_1`… */
export function kerasLayerNames(layers: readonly Layer[]): { name: string; type: string }[] {
  const counts = new Map<string, number>();
  return layers.map((layer) => {
    const [type, prefix] = kerasType(layer);
    const ordinal = (counts.get(prefix) ?? 0) + 1;
    counts.set(prefix, ordinal);
    return { name: `${prefix}_${ordinal}`, type };
  });
}

/**
 * Shapes, parameter counts and FLOPs of a layer stack with Keras semantics (see
 * `layerShape`). Throws a UsageError naming the layer and the shapes when the stack
 * collapses (an output side < 1, a window bigger than its input, a Dense or Flatten
 * in the wrong place). A global pooling of a 1x1 map is not a collapse: (None, C).
 */
export function summarizeModel(inputShape: [number, number, number], layers: readonly Layer[]): ModelSummary {
  const names = kerasLayerNames(layers);
  let shape: number[] = [...inputShape];
  const rows = layers.map((layer, index): LayerSummary => {
    const { name, type } = names[index] as { name: string; type: string };
    const { outputShape, params, trainableParams, flops } = layerShape(name, layer, shape);
    const row = { name, kind: layer.kind, type, inputShape: shape, outputShape, params, trainableParams, flops };
    shape = outputShape;
    return row;
  });
  const total = (key: "params" | "trainableParams" | "flops") => rows.reduce((sum, row) => sum + row[key], 0);
  return {
    inputShape: [...inputShape],
    outputShape: shape,
    layers: rows,
    totalParams: total("params"),
    trainableParams: total("trainableParams"),
    flopsPerImage: total("flops"),
  };
}
