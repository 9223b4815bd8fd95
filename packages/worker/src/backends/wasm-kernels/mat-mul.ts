import {
  _FusedMatMul,
  BatchMatMul,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from "@tensorflow/tfjs-core";
import { free, runWasmKernel, transpose, type WasmBackend } from "./wasm-heap.js";

/**
 * BatchMatMul and _FusedMatMul with transpose flags: the wasm backend's no-transpose
 * path is fast and its transposed paths are not, so operands are transposed
 * explicitly first (the backward pass of every dense layer asks for Aᵀ·B and A·Bᵀ).
 */
function withExplicitTransposes(kernelName: string): KernelFunc {
  return ((args: { inputs: NamedTensorInfoMap; backend: WasmBackend; attrs: NamedAttrMap }) => {
    const { inputs, backend, attrs } = args;
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return runWasmKernel(backend, kernelName, inputs, attrs);
    const swapLastTwo = (x: TensorInfo) => {
      const perm = x.shape.map((_, axis) => axis);
      perm.push(...perm.splice(-2).reverse());
      return transpose(backend, x, perm);
    };
    const operands = inputs as { a: TensorInfo; b: TensorInfo };
    const a = transposeA ? swapLastTwo(operands.a) : operands.a;
    const b = transposeB ? swapLastTwo(operands.b) : operands.b;
    const product = runWasmKernel(
      backend,
      kernelName,
      { ...inputs, a, b },
      { ...attrs, transposeA: false, transposeB: false },
    );
    if (transposeA) free(backend, a);
    if (transposeB) free(backend, b);
    return product;
  }) as unknown as KernelFunc;
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: BatchMatMul,
  backendName: "wasm",
  kernelFunc: withExplicitTransposes(BatchMatMul),
};

export const fusedMatMulConfig: KernelConfig = {
  kernelName: _FusedMatMul,
  backendName: "wasm",
  kernelFunc: withExplicitTransposes(_FusedMatMul),
};
