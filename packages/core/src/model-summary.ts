import { UsageError } from "./errors.js";
import type { Layer } from "./model-spec.js";

/** One row of Keras' `model.summary()` / `plot_model(show_shapes=True)`. Shapes leave out the batch axis. */
export interface LayerSummary {
  /** Keras 2 auto-name: `conv2d_1`, `max_pooling2d_1`, `dropout_2`, `flatten_1`, `dense_1`… */
  name: string;
  kind: Layer["kind"];
  /** Keras class name: Conv2D, MaxPooling2D, AveragePooling2D, Dropout, Flatten, Dense. */
  type: string;
  inputShape: number[];
  outputShape: number[];
  /** Trainable parameters (weights + biases). */
  params: number;
  /** Forward FLOPs per image: 2 × multiply-adds of conv and dense layers; 0 for the others. */
  flops: number;
}

export interface ModelSummary {
  inputShape: [number, number, number];
  outputShape: number[];
  layers: LayerSummary[];
  totalParams: number;
  /**
   * Forward FLOPs per image: 2 × the multiply-adds of the conv and dense layers
   * (conv: outH·outW·filters·kh·kw·cin; dense: in·units). Bias adds, activations,
   * pooling and dropout are not counted, as in most papers' FLOP figures.
   */
  flopsPerImage: number;
}

const KERAS_TYPES = {
  conv2d: ["Conv2D", "conv2d"],
  max: ["MaxPooling2D", "max_pooling2d"],
  avg: ["AveragePooling2D", "average_pooling2d"],
  dropout: ["Dropout", "dropout"],
  flatten: ["Flatten", "flatten"],
  dense: ["Dense", "dense"],
} as const;

/**
 * Shapes, parameter counts and FLOPs of a layer stack with Keras 2 semantics:
 * 'valid' out = floor((in − k) / s) + 1, 'same' out = ceil(in / s); conv params
 * kh·kw·cin·f + f; dense params in·units + units. Throws a UsageError naming the
 * layer and the shapes when the stack collapses (an output side < 1, a window
 * bigger than its input, a Dense or Flatten in the wrong place).
 */
export function summarizeModel(inputShape: [number, number, number], layers: readonly Layer[]): ModelSummary {
  const counts = new Map<string, number>();
  let shape: number[] = [...inputShape];
  const rows = layers.map((layer): LayerSummary => {
    const [type, prefix] = KERAS_TYPES[layer.kind === "pool2d" ? layer.mode : layer.kind];
    const ordinal = (counts.get(prefix) ?? 0) + 1;
    counts.set(prefix, ordinal);
    const name = `${prefix}_${ordinal}`;
    const { outputShape, params, flops } = layerShape(name, layer, shape);
    const row = { name, kind: layer.kind, type, inputShape: shape, outputShape, params, flops };
    shape = outputShape;
    return row;
  });
  return {
    inputShape: [...inputShape],
    outputShape: shape,
    layers: rows,
    totalParams: rows.reduce((sum, row) => sum + row.params, 0),
    flopsPerImage: rows.reduce((sum, row) => sum + row.flops, 0),
  };
}

function layerShape(
  name: string,
  layer: Layer,
  input: number[],
): { outputShape: number[]; params: number; flops: number } {
  switch (layer.kind) {
    case "conv2d":
    case "pool2d": {
      if (input.length !== 3) throw collapse(name, `needs an image input (h, w, c), got ${formatShape(input)}`);
      const [h, w, c] = input as [number, number, number];
      const window = layer.kind === "conv2d" ? layer.kernel : layer.size;
      const what = layer.kind === "conv2d" ? "kernel" : "pool size";
      if (layer.padding === "valid" && (window[0] > h || window[1] > w)) {
        throw collapse(name, `${what} ${window[0]}x${window[1]} is bigger than its input ${formatShape(input)}`);
      }
      const side = (size: number, k: number, s: number) =>
        layer.padding === "same" ? Math.ceil(size / s) : Math.floor((size - k) / s) + 1;
      const oh = side(h, window[0], layer.strides[0]);
      const ow = side(w, window[1], layer.strides[1]);
      if (layer.kind === "pool2d") return { outputShape: [oh, ow, c], params: 0, flops: 0 };
      const fanIn = window[0] * window[1] * c;
      return {
        outputShape: [oh, ow, layer.filters],
        params: fanIn * layer.filters + layer.filters,
        flops: 2 * oh * ow * layer.filters * fanIn,
      };
    }
    case "dropout":
      return { outputShape: input, params: 0, flops: 0 };
    case "flatten":
      return { outputShape: [input.reduce((a, b) => a * b, 1)], params: 0, flops: 0 };
    case "dense": {
      if (input.length !== 1) throw collapse(name, `needs a flat input, got ${formatShape(input)}`);
      const units = input[0] as number;
      return { outputShape: [layer.units], params: units * layer.units + layer.units, flops: 2 * units * layer.units };
    }
  }
}

function collapse(layer: string, rule: string): UsageError {
  return new UsageError(`${layer}: ${rule}`, layer);
}

/** `[26, 26, 32]` → `26x26x32`. */
export function formatShape(shape: readonly number[]): string {
  return shape.join("x");
}
