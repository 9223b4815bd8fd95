import { UsageError } from "../errors.js";
import type { Layer } from "./layer.js";

/** A layer's output shape, parameters (all, and trainable) and forward FLOPs per image. */
export interface LayerShape {
  outputShape: number[];
  params: number;
  trainableParams: number;
  flops: number;
}

/**
 * One layer with Keras semantics: 'valid' out = floor((in − k) / s) + 1, 'same'
 * out = ceil(in / s); conv params kh·kw·cin·f + f; dense params in·units + units;
 * BatchNormalization 4·c params (gamma, beta trainable; moving mean and variance
 * not); global pooling (h, w, c) → (c). Throws a UsageError starting with `name`
 * when the layer cannot take `input`.
 */
export function layerShape(name: string, layer: Layer, input: number[]): LayerShape {
  const plain = (outputShape: number[]): LayerShape => ({ outputShape, params: 0, trainableParams: 0, flops: 0 });
  switch (layer.kind) {
    case "conv2d":
    case "pool2d":
      return windowShape(name, layer, input);
    case "batch_norm": {
      const channels = input[input.length - 1] as number;
      return { outputShape: input, params: 4 * channels, trainableParams: 2 * channels, flops: 0 };
    }
    case "global_pool2d": {
      // A 1x1 map pools to its channels, (None, C), as Keras builds it and as Flatten gives.
      const [, , c] = imageInput(name, input);
      return plain([c]);
    }
    case "activation":
    case "dropout":
      return plain(input);
    case "flatten":
      return plain([input.reduce((a, b) => a * b, 1)]);
    case "dense": {
      if (input.length !== 1) throw collapse(name, `needs a flat input, got ${formatShape(input)}`);
      const units = input[0] as number;
      const params = units * layer.units + layer.units;
      return { outputShape: [layer.units], params, trainableParams: params, flops: 2 * units * layer.units };
    }
  }
}

function windowShape(name: string, layer: Extract<Layer, { kind: "conv2d" | "pool2d" }>, input: number[]): LayerShape {
  const [h, w, c] = imageInput(name, input);
  const window = layer.kind === "conv2d" ? layer.kernel : layer.size;
  const what = layer.kind === "conv2d" ? "kernel" : "pool size";
  if (layer.padding === "valid" && (window[0] > h || window[1] > w)) {
    throw collapse(name, `${what} ${window[0]}x${window[1]} is bigger than its input ${formatShape(input)}`);
  }
  const side = (size: number, k: number, s: number) =>
    layer.padding === "same" ? Math.ceil(size / s) : Math.floor((size - k) / s) + 1;
  const oh = side(h, window[0], layer.strides[0]);
  const ow = side(w, window[1], layer.strides[1]);
  if (layer.kind === "pool2d") return { outputShape: [oh, ow, c], params: 0, trainableParams: 0, flops: 0 };
  const fanIn = window[0] * window[1] * c;
  const params = fanIn * layer.filters + layer.filters;
  return {
    outputShape: [oh, ow, layer.filters],
    params,
    trainableParams: params,
    flops: 2 * oh * ow * layer.filters * fanIn,
  };
}

function imageInput(name: string, input: number[]): [number, number, number] {
  if (input.length !== 3) throw collapse(name, `needs an image input (h, w, c), got ${formatShape(input)}`);
  return input as [number, number, number];
}

function collapse(layer: string, rule: string): UsageError {
  return new UsageError(`${layer}: ${rule}`, layer);
}

/** `[26, 26, 32]` → `26x26x32`. */
export function formatShape(shape: readonly number[]): string {
  return shape.join("x");
}
