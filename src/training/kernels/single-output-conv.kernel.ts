import {
  backend_util,
  FusedConv2D,
  type FusedConv2DAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { disposeInfos, runWasmKernel, type WasmBackendInternals } from './wasm-kernel-utils';

/**
 * FusedConv2D with a single output channel (the decoder's last layer) as one XNNPACK GEMM
 * of the NHWC input, unchanged, with the filter as [C, taps]: per-pixel, per-tap partial
 * sums [N*H*W, taps], then each output sums its taps' neighbours. XNNPACK's convolution
 * computes 8 output channels per step and keeps one, 4x slower here. Other shapes (and
 * strides, dilations, PReLU) go to the backend's own kernel.
 */
export function makeSingleOutputConvKernel(original: KernelFunc): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as KernelBackend;
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined> & { x: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as FusedConv2DAttrs;
    const { strides, pad, dataFormat, dilations, dimRoundingMode, activation } = attrs;
    if (filter.shape[3] !== 1 || preluActivationWeights || (activation !== 'linear' && activation !== 'relu')) return original(args);
    const convInfo = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      strides,
      dilations,
      pad,
      dimRoundingMode,
      false,
      backend_util.convertConv2DDataFormat(dataFormat),
    );
    const plain = convInfo.strideHeight === 1 && convInfo.strideWidth === 1 && convInfo.dilationHeight === 1 && convInfo.dilationWidth === 1;
    if (!plain || convInfo.dataFormat !== 'channelsLast') return original(args);
    return singleOutputConv(backend as WasmBackendInternals, x, filter, bias, activation === 'relu', convInfo);
  };
  return { kernelName: FusedConv2D, backendName: 'wasm', kernelFunc };
}

function singleOutputConv(
  backend: WasmBackendInternals,
  x: TensorInfo,
  filter: TensorInfo,
  bias: TensorInfo | undefined,
  relu: boolean,
  convInfo: backend_util.Conv2DInfo,
): TensorInfo {
  const [n, h, w, c] = x.shape;
  const { filterHeight: fh, filterWidth: fw, outHeight: oh, outWidth: ow } = convInfo;
  const { top, left } = convInfo.padInfo;
  const taps = fh * fw;
  const weights = backend.makeOutput([1, c, taps], 'float32');
  const fv = backend.typedArrayFromHeap(filter) as Float32Array;
  const wv = backend.typedArrayFromHeap(weights) as Float32Array;
  for (let t = 0; t < taps; t += 1) {
    for (let ch = 0; ch < c; ch += 1) wv[ch * taps + t] = fv[t * c + ch];
  }
  const rows = runWasmKernel('Reshape', backend, { x }, { shape: [1, n * h * w, c] });
  const partial = runWasmKernel('BatchMatMul', backend, { a: rows, b: weights }, { transposeA: false, transposeB: false });
  const out = backend.makeOutput([n, oh, ow, 1], 'float32');
  // views only after the last allocation: heap growth would detach them
  const pv = backend.typedArrayFromHeap(partial) as Float32Array;
  const ov = backend.typedArrayFromHeap(out) as Float32Array;
  const b0 = bias ? (backend.typedArrayFromHeap(bias) as Float32Array)[0] : 0;
  let o = 0;
  for (let b = 0; b < n; b += 1) {
    for (let r = 0; r < oh; r += 1) {
      for (let col = 0; col < ow; col += 1, o += 1) {
        let sum = b0;
        for (let i = 0; i < fh; i += 1) {
          const y = r + i - top;
          if (y < 0 || y >= h) continue;
          const rowBase = (b * h + y) * w;
          for (let j = 0; j < fw; j += 1) {
            const xc = col + j - left;
            if (xc >= 0 && xc < w) sum += pv[(rowBase + xc) * taps + i * fw + j];
          }
        }
        ov[o] = relu && sum < 0 ? 0 : sum;
      }
    }
  }
  disposeInfos(backend, weights, rows, partial);
  return out;
}
