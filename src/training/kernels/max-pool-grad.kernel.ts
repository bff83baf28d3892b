import {
  backend_util,
  MaxPoolGrad,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { WasmBackendInternals } from './wasm-kernel-utils';

/**
 * MaxPoolGrad as one channels-innermost pass over the wasm heap: for each output cell,
 * the first maximum of its window (row-major, as the cpu backend picks it) receives dy.
 * The backend's own kernel recomputes positions with per-element index arithmetic and
 * was ~28% of a weakly-supervised step.
 */
export function makeMaxPoolGradKernel(): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as WasmBackendInternals;
    const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as MaxPoolGradAttrs;
    const info = backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const dx = backend.makeOutput(input.shape, 'float32');
    if (isPlain2x2(info)) {
      pool2x2Grad(backend, input, dy, dx, info);
      return dx;
    }
    // views only after the last allocation: heap growth would detach them
    const x = backend.typedArrayFromHeap(input) as Float32Array;
    const g = backend.typedArrayFromHeap(dy) as Float32Array;
    const out = backend.typedArrayFromHeap(dx) as Float32Array;
    out.fill(0);
    const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
    const { strideHeight, strideWidth, effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
    const padTop = info.padInfo.top;
    const padLeft = info.padInfo.left;
    const rowStride = inWidth * channels;
    for (let b = 0; b < batchSize; b += 1) {
      const xBase = b * inHeight * rowStride;
      let gi = b * outHeight * outWidth * channels;
      for (let yr = 0; yr < outHeight; yr += 1) {
        const r0 = Math.max(0, yr * strideHeight - padTop);
        const r1 = Math.min(inHeight, yr * strideHeight - padTop + fh);
        for (let yc = 0; yc < outWidth; yc += 1) {
          const c0 = Math.max(0, yc * strideWidth - padLeft);
          const c1 = Math.min(inWidth, yc * strideWidth - padLeft + fw);
          for (let ch = 0; ch < channels; ch += 1, gi += 1) {
            let best = -Infinity;
            let at = -1;
            for (let r = r0; r < r1; r += 1) {
              let p = xBase + r * rowStride + c0 * channels + ch;
              for (let c = c0; c < c1; c += 1, p += channels) {
                const v = x[p];
                if (v > best || at < 0) {
                  best = v;
                  at = p;
                }
              }
            }
            if (at >= 0) out[at] += g[gi];
          }
        }
      }
    }
    return dx;
  };
  return { kernelName: MaxPoolGrad, backendName: 'wasm', kernelFunc };
}

function isPlain2x2(info: backend_util.Conv2DInfo): boolean {
  return (
    info.effectiveFilterHeight === 2 &&
    info.effectiveFilterWidth === 2 &&
    info.strideHeight === 2 &&
    info.strideWidth === 2 &&
    info.padInfo.top === 0 &&
    info.padInfo.left === 0 &&
    info.inHeight === 2 * info.outHeight &&
    info.inWidth === 2 * info.outWidth
  );
}

/** The networks' 2x2/2 pooling: four reads, four writes per output cell, no fill. */
function pool2x2Grad(
  backend: WasmBackendInternals,
  input: TensorInfo,
  dy: TensorInfo,
  dx: TensorInfo,
  info: backend_util.Conv2DInfo,
): void {
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  const out = backend.typedArrayFromHeap(dx) as Float32Array;
  const { batchSize, inChannels: ch, outHeight, outWidth } = info;
  const row = 2 * outWidth * ch;
  let gi = 0;
  for (let b = 0; b < batchSize; b += 1) {
    for (let yr = 0; yr < outHeight; yr += 1) {
      let p = (b * outHeight * 2 + yr * 2) * row;
      for (let yc = 0; yc < outWidth; yc += 1, p += ch) {
        for (let c = 0; c < ch; c += 1, p += 1, gi += 1) {
          const a0 = x[p];
          const a1 = x[p + ch];
          const a2 = x[p + row];
          const a3 = x[p + row + ch];
          // first maximum in row-major window order, as the cpu backend
          let at = 0;
          let best = a0;
          if (a1 > best) {
            best = a1;
            at = 1;
          }
          if (a2 > best) {
            best = a2;
            at = 2;
          }
          if (a3 > best) at = 3;
          const v = g[gi];
          out[p] = at === 0 ? v : 0;
          out[p + ch] = at === 1 ? v : 0;
          out[p + row] = at === 2 ? v : 0;
          out[p + row + ch] = at === 3 ? v : 0;
        }
      }
    }
  }
}
