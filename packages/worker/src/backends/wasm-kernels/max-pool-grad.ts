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
        const windowStart = ((n * inHeight + rowStart) * inWidth + colStart) * inChannels;
        const dyAt = ((n * outHeight + oh) * outWidth + ow) * inChannels;
        for (let c = 0; c < inChannels; c++) {
          let bestAt = windowStart + c;
          let best = x[bestAt];
          for (let ih = rowStart; ih < rowEnd; ih++) {
            for (
              let at = ((n * inHeight + ih) * inWidth + colStart) * inChannels + c, iw = colStart;
              iw < colEnd;
              iw++, at += inChannels
            ) {
              if (x[at] > best) {
                best = x[at];
                bestAt = at;
              }
            }
          }
          if (overlapping) grad[bestAt] += dy[dyAt + c];
          else grad[bestAt] = dy[dyAt + c];
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
