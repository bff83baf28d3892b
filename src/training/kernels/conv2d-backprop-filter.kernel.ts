import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { disposeInfos, runWasmKernel, type WasmBackendInternals } from './wasm-kernel-utils';
import { filterGradientByImageGemm } from './filter-grad-by-image-gemm';

const IMAGE_GEMM_MIN_PIXELS = 32 * 32;

/**
 * dW of a stride-1 convolution (the wasm backend has no Conv2DBackpropFilter of its own):
 * on large images, GEMMs over groups of images (filter-grad-by-image-gemm.ts); on small
 * ones, one XNNPACK forward convolution with the batch as the channels. Measured here
 * and slower: per-tap products dy^T . x_shift over the whole batch (each tap a copy of x
 * plus a repacking as XNNPACK weights) and im2col through the wasm Slice/Concat (10x).
 * Other strides go through Conv3DBackpropFilterV2 with depth one (correct, slower).
 */
export function makeConv2DBackpropFilterKernel(): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as KernelBackend;
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
    const convInfo = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      backend_util.convertConv2DDataFormat(dataFormat),
    );
    if (convInfo.dataFormat !== 'channelsLast') throw new Error('Conv2DBackpropFilter: only NHWC is supported');
    if (convInfo.strideHeight !== 1 || convInfo.strideWidth !== 1) {
      return viaConv3D(args, convInfo);
    }
    // measured per layer at batch 64, one thread: the image GEMM is 1.3-3x faster from
    // 32x32 up; on the 16x16 layers (a few ms either way) the single convolution wins
    if (convInfo.inHeight * convInfo.inWidth >= IMAGE_GEMM_MIN_PIXELS) {
      return filterGradientByImageGemm(backend as WasmBackendInternals, x, dy, convInfo);
    }
    return filterGradientByConvolution(backend, x, dy, convInfo);
  };
  return { kernelName: Conv2DBackpropFilter, backendName: 'wasm', kernelFunc };
}

function viaConv3D(args: Parameters<KernelFunc>[0], convInfo: backend_util.Conv2DInfo): TensorInfo {
  const backend = args.backend as KernelBackend;
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const [n, h, w, c] = x.shape;
  const [, oh, ow, f] = dy.shape;
  const x5 = runWasmKernel('Reshape', backend, { x }, { shape: [n, 1, h, w, c] });
  const dy5 = runWasmKernel('Reshape', backend, { x: dy }, { shape: [n, 1, oh, ow, f] });
  const { padInfo } = convInfo;
  if (padInfo.type !== 'SAME' && padInfo.type !== 'VALID') {
    disposeInfos(backend, x5, dy5);
    throw new Error('Conv2DBackpropFilter: explicit padding with strides > 1 is not supported');
  }
  const dw5 = runWasmKernel(
    'Conv3DBackpropFilterV2',
    backend,
    { x: x5, dy: dy5 },
    {
      strides: [1, convInfo.strideHeight, convInfo.strideWidth],
      pad: padInfo.type === 'SAME' ? 'same' : 'valid',
      filterShape: [1, convInfo.filterHeight, convInfo.filterWidth, c, f],
    },
  );
  const dw = runWasmKernel('Reshape', backend, { x: dw5 }, { shape: [convInfo.filterHeight, convInfo.filterWidth, c, f] });
  disposeInfos(backend, x5, dy5, dw5);
  return dw;
}

/**
 * One forward convolution of x^T [C,H,W,N] (the batch as channels) with dy^T [H,W,N,F]
 * as the filter gives [C,kh,kw,F], dW up to a transpose.
 */
function filterGradientByConvolution(
  backend: KernelBackend,
  x: TensorInfo,
  dy: TensorInfo,
  convInfo: backend_util.Conv2DInfo,
): TensorInfo {
  const { top, bottom, left, right } = convInfo.padInfo;
  const xT = runWasmKernel('Transpose', backend, { x }, { perm: [3, 1, 2, 0] });
  const dyT = runWasmKernel('Transpose', backend, { x: dy }, { perm: [1, 2, 0, 3] });
  const dwT = runWasmKernel(
    'Conv2D',
    backend,
    { x: xT, filter: dyT },
    { strides: [1, 1], pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: 'NHWC', dilations: [1, 1] },
  );
  const dw = runWasmKernel('Transpose', backend, { x: dwT }, { perm: [1, 2, 0, 3] });
  disposeInfos(backend, xT, dyT, dwT);
  return dw;
}
