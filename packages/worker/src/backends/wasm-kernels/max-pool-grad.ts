import {
  backend_util,
  type KernelConfig,
  type KernelFunc,
  MaxPoolGrad,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from "@tensorflow/tfjs-core";
import { floatView, type WasmBackend } from "./wasm-heap.js";

/**
 * The gradient of max pooling: each window's dy goes to the FIRST maximum of the
 * window in row-major order (as the cpu backend does), never to every tied maximum;
 * ReLU zeros make ties common. Windows that do not overlap write their result
 * directly instead of accumulating.
 */
function maxPoolGrad(args: {
  inputs: { dy: TensorInfo; input: TensorInfo };
  backend: WasmBackend;
  attrs: MaxPoolGradAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const info = backend_util.computePool2DInfo(
    inputs.input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const overlapping = strideHeight < filterHeight || strideWidth < filterWidth;
  const dx = backend.makeOutput(inputs.input.shape, "float32");
  const x = floatView(backend, inputs.input);
  const dy = floatView(backend, inputs.dy);
  const grad = floatView(backend, dx);
  grad.fill(0);
  const best = new Float32Array(inChannels);
  const bestAt = new Int32Array(inChannels);
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const top = oh * strideHeight - info.padInfo.top;
      const rowStart = Math.max(0, top);
      const rowEnd = Math.min(inHeight, top + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const left = ow * strideWidth - info.padInfo.left;
        const colStart = Math.max(0, left);
        const colEnd = Math.min(inWidth, left + filterWidth);
        if (rowStart >= rowEnd || colStart >= colEnd) continue;
        const first = ((n * inHeight + rowStart) * inWidth + colStart) * inChannels;
        best.set(x.subarray(first, first + inChannels));
        for (let c = 0; c < inChannels; c++) bestAt[c] = first + c;
        for (let ih = rowStart; ih < rowEnd; ih++) {
          for (let iw = colStart; iw < colEnd; iw++) {
            const pixel = ((n * inHeight + ih) * inWidth + iw) * inChannels;
            for (let c = 0; c < inChannels; c++) {
              if (x[pixel + c] > best[c]) {
                best[c] = x[pixel + c];
                bestAt[c] = pixel + c;
              }
            }
          }
        }
        const dyAt = ((n * outHeight + oh) * outWidth + ow) * inChannels;
        if (overlapping) {
          for (let c = 0; c < inChannels; c++) grad[bestAt[c]] += dy[dyAt + c];
        } else {
          for (let c = 0; c < inChannels; c++) grad[bestAt[c]] = dy[dyAt + c];
        }
      }
    }
  }
  return dx;
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: "wasm",
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
