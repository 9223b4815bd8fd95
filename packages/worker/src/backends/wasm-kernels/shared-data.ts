import {
  Cast,
  type CastAttrs,
  Identity,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from "@tensorflow/tfjs-core";
import { runWasmKernel, type WasmBackend } from "./wasm-heap.js";

/**
 * Identity, and Cast to the dtype a tensor already has, share the input's data (one
 * more reference) instead of copying it, as the cpu backend does. The engine clones
 * every tensor it saves for the backward pass and ReLU's gradient casts float32 to
 * float32, so on the stock kernels a training step copies each activation 2–3 times.
 * Sharing is safe because no kernel writes into its inputs.
 */
function sharedData(backend: WasmBackend, x: TensorInfo): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

function identity(args: { inputs: { x: TensorInfo }; backend: WasmBackend }): TensorInfo {
  const { inputs, backend } = args;
  return inputs.x.dtype === "string" ? runWasmKernel(backend, Identity, inputs) : sharedData(backend, inputs.x);
}

function cast(args: { inputs: { x: TensorInfo }; backend: WasmBackend; attrs: CastAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  return attrs.dtype === inputs.x.dtype && attrs.dtype !== "string"
    ? sharedData(backend, inputs.x)
    : runWasmKernel(backend, Cast, inputs, attrs as unknown as Record<string, never>);
}

export const identityConfig: KernelConfig = {
  kernelName: Identity,
  backendName: "wasm",
  kernelFunc: identity as unknown as KernelFunc,
};

export const castConfig: KernelConfig = {
  kernelName: Cast,
  backendName: "wasm",
  kernelFunc: cast as unknown as KernelFunc,
};
