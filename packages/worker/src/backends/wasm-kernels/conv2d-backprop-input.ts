import {
  backend_util,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from "@tensorflow/tfjs-core";
import { floatView, free, runWasmKernel, type WasmBackend } from "./wasm-heap.js";

/**
 * The input gradient of a 2-D convolution. At stride 1 it is a 'full' convolution of
 * dy with the filter reversed on both spatial axes and its in/out channels swapped,
 * run on the fast XNNPACK Conv2D; other cases use the wasm backend's own kernel.
 */
function conv2dBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: WasmBackend;
  attrs: Conv2DBackpropInputAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const info = backend_util.computeConv2DInfo(
    attrs.inputShape,
    inputs.filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
  const { filterHeight, filterWidth, padInfo } = info;
  const fullPad = {
    top: filterHeight - 1 - padInfo.top,
    bottom: filterHeight - 1 - padInfo.bottom,
    left: filterWidth - 1 - padInfo.left,
    right: filterWidth - 1 - padInfo.right,
  };
  const isFullConvolution =
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.dataFormat === "channelsLast" &&
    Object.values(fullPad).every((pad) => pad >= 0);
  if (!isFullConvolution) {
    return runWasmKernel(backend, Conv2DBackpropInput, inputs, attrs as unknown as Record<string, never>);
  }
  const flipped = flippedTransposedFilter(backend, inputs.filter, info);
  const dx = runWasmKernel(
    backend,
    "Conv2D",
    { x: inputs.dy, filter: flipped },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [fullPad.top, fullPad.bottom],
        [fullPad.left, fullPad.right],
        [0, 0],
      ],
      dilations: [1, 1],
      dataFormat: "NHWC",
    },
  );
  free(backend, flipped);
  return dx;
}

/** filter[KH,KW,C,CO] → flipped[KH,KW,CO,C] with flipped[kh,kw,co,c] = filter[KH−1−kh, KW−1−kw, c, co]. */
function flippedTransposedFilter(backend: WasmBackend, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { filterHeight, filterWidth, inChannels, outChannels } = info;
  const flipped = backend.makeOutput([filterHeight, filterWidth, outChannels, inChannels], "float32");
  const source = floatView(backend, filter);
  const target = floatView(backend, flipped);
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      const from = ((filterHeight - 1 - kh) * filterWidth + (filterWidth - 1 - kw)) * inChannels * outChannels;
      const to = (kh * filterWidth + kw) * outChannels * inChannels;
      for (let c = 0; c < inChannels; c++) {
        for (let co = 0; co < outChannels; co++) {
          target[to + co * inChannels + c] = source[from + c * outChannels + co];
        }
      }
    }
  }
  return flipped;
}

export const conv2dBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: "wasm",
  kernelFunc: conv2dBackpropInput as unknown as KernelFunc,
};
