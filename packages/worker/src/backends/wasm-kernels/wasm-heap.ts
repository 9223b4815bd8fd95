import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import {
  getKernel,
  type KernelConfig,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
  util,
} from "@tensorflow/tfjs-core";

/**
 * What this project's kernels need from the wasm backend: its tensor table, the heap
 * behind it, and the stock kernels they route work through.
 *
 * Contract for callers: take views (`floatView`) only after the kernel's last
 * allocation, because growing wasm memory detaches earlier views; outputs of
 * `makeOutput` are not zeroed.
 */
export type WasmBackend = BackendWasm;

const stockKernels = new Map<string, KernelConfig>();

/**
 * Remembers the wasm backend's own kernel before this project overrides it, so the
 * override can still call it. The first remembered one wins (registration is repeated
 * on every `initBackend`).
 */
export function rememberStockKernel(kernelName: string): void {
  if (stockKernels.has(kernelName)) return;
  const config = getKernel(kernelName, "wasm") as KernelConfig | undefined;
  if (config === undefined) throw new Error(`the wasm backend has no ${kernelName} kernel to build on`);
  stockKernels.set(kernelName, config);
}

/** Runs a kernel of the wasm backend directly (not through the engine, so not taped). */
export function runWasmKernel(
  backend: WasmBackend,
  kernelName: string,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const config = stockKernels.get(kernelName) ?? (getKernel(kernelName, "wasm") as KernelConfig | undefined);
  if (config === undefined) throw new Error(`the wasm backend has no ${kernelName} kernel`);
  return config.kernelFunc({ inputs, attrs, backend }) as TensorInfo;
}

/** A Float32Array over a tensor's bytes in wasm memory (valid until the next allocation). */
export function floatView(backend: WasmBackend, tensor: TensorInfo): Float32Array {
  const { memoryOffset } = backend.dataIdMap.get(tensor.dataId);
  const heap = (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8;
  return new Float32Array(heap.buffer, memoryOffset, util.sizeFromShape(tensor.shape));
}

/** Frees intermediates (a reshaped result shares data and holds a reference too). */
export function free(backend: WasmBackend, ...tensors: TensorInfo[]): void {
  for (const tensor of tensors) backend.disposeData(tensor.dataId);
}

export function reshape(backend: WasmBackend, x: TensorInfo, shape: number[]): TensorInfo {
  return runWasmKernel(backend, "Reshape", { x }, { shape });
}

export function transpose(backend: WasmBackend, x: TensorInfo, perm: number[]): TensorInfo {
  return runWasmKernel(backend, "Transpose", { x }, { perm });
}
