import {
  _FusedMatMul,
  BatchMatMul,
  Cast,
  Conv2DBackpropInput,
  getKernel,
  Identity,
  registerKernel,
  Sum,
  unregisterKernel,
} from "@tensorflow/tfjs-core";
import { conv2dBackpropFilterConfig } from "./conv2d-backprop-filter.js";
import { conv2dBackpropInputConfig } from "./conv2d-backprop-input.js";
import { batchMatMulConfig, fusedMatMulConfig } from "./mat-mul.js";
import { maxPoolGradConfig } from "./max-pool-grad.js";
import { castConfig, identityConfig } from "./shared-data.js";
import { sumConfig } from "./sum.js";
import { rememberStockKernel } from "./wasm-heap.js";

/** The kernels this project registers for backend 'wasm' so that training is correct and fast. */
const wasmTrainingKernels = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  batchMatMulConfig,
  fusedMatMulConfig,
  maxPoolGradConfig,
  sumConfig,
  identityConfig,
  castConfig,
];

/** Stock kernels that the overrides fall back to or build on. */
const overriddenStockKernels = [BatchMatMul, _FusedMatMul, Conv2DBackpropInput, Sum, Identity, Cast];

/**
 * Registers the training kernels; call after `setBackend('wasm')` resolved. Safe to
 * call again: each kernel is unregistered before it is registered.
 */
export function registerWasmTrainingKernels(): void {
  for (const kernelName of overriddenStockKernels) rememberStockKernel(kernelName);
  for (const config of wasmTrainingKernels) {
    if (getKernel(config.kernelName, config.backendName)) unregisterKernel(config.kernelName, config.backendName);
    registerKernel(config);
  }
}
