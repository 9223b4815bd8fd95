import {
  _FusedMatMul,
  BatchMatMul,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
  util,
} from "@tensorflow/tfjs-core";
import { free, runWasmKernel, transpose, type WasmBackend } from "./wasm-heap.js";

/**
 * BatchMatMul and _FusedMatMul with transpose flags: the wasm backend's no-transpose
 * path is fast and its transposed paths are not, so operands are transposed
 * explicitly first (the backward pass of every dense layer asks for Aᵀ·B and A·Bᵀ).
 */
interface MatMulArgs {
  inputs: NamedTensorInfoMap & { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
  backend: WasmBackend;
  attrs: NamedAttrMap & { transposeA: boolean; transposeB: boolean };
}

function withExplicitTransposes(multiply: (args: MatMulArgs) => TensorInfo): KernelFunc {
  return ((args: MatMulArgs) => {
    const { inputs, backend, attrs } = args;
    const { transposeA, transposeB } = attrs;
    if (!transposeA && !transposeB) return multiply(args);
    const swapLastTwo = (x: TensorInfo) => {
      const perm = x.shape.map((_, axis) => axis);
      perm.push(...perm.splice(-2).reverse());
      return transpose(backend, x, perm);
    };
    const a = transposeA ? swapLastTwo(inputs.a) : inputs.a;
    const b = transposeB ? swapLastTwo(inputs.b) : inputs.b;
    const product = multiply({
      inputs: { ...inputs, a, b },
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false },
    });
    if (transposeA) free(backend, a);
    if (transposeB) free(backend, b);
    return product;
  }) as unknown as KernelFunc;
}

/**
 * The stock _FusedMatMul adds the bias to the wrong elements when the batch is larger
 * than 1; there the product, bias and activation run as separate kernels.
 */
function fusedMatMul(args: MatMulArgs): TensorInfo {
  const { inputs, backend, attrs } = args;
  const batch = util.sizeFromShape(inputs.a.shape.slice(0, -2));
  if (batch === 1 || inputs.bias === undefined) return runWasmKernel(backend, _FusedMatMul, inputs, attrs);
  const product = runWasmKernel(backend, BatchMatMul, { a: inputs.a, b: inputs.b }, attrs);
  const biased = runWasmKernel(backend, "Add", { a: product, b: inputs.bias });
  free(backend, product);
  const activated = activation(backend, biased, attrs, inputs.preluActivationWeights);
  if (activated !== biased) free(backend, biased);
  return activated;
}

function activation(
  backend: WasmBackend,
  x: TensorInfo,
  attrs: NamedAttrMap,
  preluWeights: TensorInfo | undefined,
): TensorInfo {
  switch (attrs.activation) {
    case undefined:
    case null:
    case "linear":
      return x;
    case "relu":
      return runWasmKernel(backend, "Relu", { x });
    case "relu6":
      return runWasmKernel(backend, "Relu6", { x });
    case "elu":
      return runWasmKernel(backend, "Elu", { x });
    case "sigmoid":
      return runWasmKernel(backend, "Sigmoid", { x });
    case "leakyrelu":
      return runWasmKernel(backend, "LeakyRelu", { x }, { alpha: attrs.leakyreluAlpha });
    case "prelu":
      return runWasmKernel(backend, "Prelu", { x, alpha: preluWeights as TensorInfo });
    default:
      throw new Error(`wasm _FusedMatMul: unknown activation ${String(attrs.activation)}`);
  }
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: BatchMatMul,
  backendName: "wasm",
  kernelFunc: withExplicitTransposes(({ inputs, backend, attrs }) =>
    runWasmKernel(backend, BatchMatMul, inputs, attrs),
  ),
};

export const fusedMatMulConfig: KernelConfig = {
  kernelName: _FusedMatMul,
  backendName: "wasm",
  kernelFunc: withExplicitTransposes(fusedMatMul),
};
