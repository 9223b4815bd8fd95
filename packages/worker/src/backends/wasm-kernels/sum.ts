import {
  backend_util,
  type KernelConfig,
  type KernelFunc,
  Sum,
  type SumAttrs,
  type TensorInfo,
  util,
} from "@tensorflow/tfjs-core";
import { floatView, runWasmKernel, type WasmBackend } from "./wasm-heap.js";

/**
 * Sum of a float32 tensor over its leading axes (a bias gradient: dy summed over batch,
 * rows and columns), accumulated in place over wasm memory; the stock kernel first
 * transposes the reduced axes to the end. Other reductions use the stock kernel.
 */
function sum(args: { inputs: { x: TensorInfo }; backend: WasmBackend; attrs: SumAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  const axes = util.parseAxisParam(attrs.axis, x.shape).sort((a, b) => a - b);
  const leading = axes.length > 0 && axes.length < x.shape.length && axes.every((axis, index) => axis === index);
  if (!leading || x.dtype !== "float32")
    return runWasmKernel(backend, Sum, inputs, attrs as unknown as Record<string, never>);
  const keptShape = x.shape.slice(axes.length);
  const rows = util.sizeFromShape(x.shape.slice(0, axes.length));
  const width = util.sizeFromShape(keptShape);
  const outShape = attrs.keepDims ? backend_util.expandShapeToKeepDim(keptShape, axes) : keptShape;
  const out = backend.makeOutput(outShape, "float32");
  const xs = floatView(backend, x);
  const totals = new Float64Array(width);
  for (let row = 0; row < rows; row++) {
    const at = row * width;
    for (let j = 0; j < width; j++) totals[j] += xs[at + j];
  }
  floatView(backend, out).set(totals);
  return out;
}

export const sumConfig: KernelConfig = {
  kernelName: Sum,
  backendName: "wasm",
  kernelFunc: sum as unknown as KernelFunc,
};
