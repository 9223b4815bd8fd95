import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from "@tensorflow/tfjs-core";
import { floatView, free, reshape, runWasmKernel, transpose, type WasmBackend } from "./wasm-heap.js";

/**
 * The filter gradient of a 2-D convolution, absent from the wasm backend.
 *
 * dW[kh,kw,c,co] = Σ over n,oh,ow of x[n, oh·sh + kh − top, ow·sw + kw − left, c] · dy[n,oh,ow,co].
 * With few filter taps (KH·KW·C below the output channels, e.g. a first conv on one
 * channel) it is one matrix product of an im2col matrix with dy; otherwise it is the
 * fast XNNPACK Conv2D with x's channels as the batch, the images as input channels and
 * dy as a dilated filter.
 */
function conv2dBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: WasmBackend;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const convInfo = backend_util.computeConv2DInfo(
    inputs.x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
  if (convInfo.dataFormat !== "channelsLast") {
    throw new Error(`wasm Conv2DBackpropFilter supports dataFormat NHWC only, got ${attrs.dataFormat}`);
  }
  const taps = convInfo.filterHeight * convInfo.filterWidth * convInfo.inChannels;
  return taps < convInfo.outChannels
    ? filterGradientByIm2col(backend, inputs.x, inputs.dy, convInfo)
    : filterGradientByConv2D(backend, inputs.x, inputs.dy, convInfo);
}

function filterGradientByIm2col(
  backend: WasmBackend,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const taps = filterHeight * filterWidth * inChannels;
  const positions = batchSize * outHeight * outWidth;
  const columnsT = backend.makeOutput([1, taps, positions], "float32");
  const xs = floatView(backend, x);
  const cols = floatView(backend, columnsT);
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      for (let c = 0; c < inChannels; c++) {
        const row = ((kh * filterWidth + kw) * inChannels + c) * positions;
        for (let n = 0; n < batchSize; n++) {
          for (let oh = 0; oh < outHeight; oh++) {
            const ih = oh * strideHeight + kh - info.padInfo.top;
            const at = row + (n * outHeight + oh) * outWidth;
            if (ih < 0 || ih >= inHeight) {
              cols.fill(0, at, at + outWidth);
              continue;
            }
            const xRow = (n * inHeight + ih) * inWidth;
            for (let ow = 0; ow < outWidth; ow++) {
              const iw = ow * strideWidth + kw - info.padInfo.left;
              cols[at + ow] = iw < 0 || iw >= inWidth ? 0 : xs[(xRow + iw) * inChannels + c];
            }
          }
        }
      }
    }
  }
  const dyMatrix = reshape(backend, dy, [1, positions, outChannels]);
  const product = runWasmKernel(
    backend,
    "BatchMatMul",
    { a: columnsT, b: dyMatrix },
    { transposeA: false, transposeB: false },
  );
  const gradient = reshape(backend, product, [filterHeight, filterWidth, inChannels, outChannels]);
  free(backend, columnsT, dyMatrix, product);
  return gradient;
}

function filterGradientByConv2D(
  backend: WasmBackend,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  // Rows/columns past the last one the forward pass read are cropped after the conv.
  const bottom = Math.max(0, filterHeight - inHeight - top + (outHeight - 1) * strideHeight);
  const right = Math.max(0, filterWidth - inWidth - left + (outWidth - 1) * strideWidth);
  const channelsAsBatch = transpose(backend, x, [3, 1, 2, 0]);
  const dyAsFilter = transpose(backend, dy, [1, 2, 0, 3]);
  const correlation = runWasmKernel(
    backend,
    "Conv2D",
    { x: channelsAsBatch, filter: dyAsFilter },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dilations: [strideHeight, strideWidth],
      dataFormat: "NHWC",
    },
  );
  free(backend, channelsAsBatch, dyAsFilter);
  const [, rows, cols] = correlation.shape;
  const gradient = backend.makeOutput([filterHeight, filterWidth, inChannels, outChannels], "float32");
  const source = floatView(backend, correlation);
  const target = floatView(backend, gradient);
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      for (let c = 0; c < inChannels; c++) {
        const from = ((c * rows + kh) * cols + kw) * outChannels;
        target.set(source.subarray(from, from + outChannels), ((kh * filterWidth + kw) * inChannels + c) * outChannels);
      }
    }
  }
  free(backend, correlation);
  return gradient;
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: "wasm",
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
