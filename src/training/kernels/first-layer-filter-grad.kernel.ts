import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendInternals } from './wasm-kernel-utils';

/** Our kernel: filter and bias gradients of a single-channel 3x3 'same' conv, 2x2/2 max-pool, ReLU. */
export const FIRST_LAYER_FILTER_GRAD = 'MorphospaceFirstLayerFilterGrad';

/**
 * inputs {dy: [N,H/2,W/2,F] (gradient at the ReLU output), p: [N,H/2,W/2,F] (pooled,
 * before the ReLU), z: [N,H,W,F] (pre-pool conv output, bias included), x: [N,H,W,1]}
 * -> [dW [3,3,1,F], db [F]].
 *
 * The pool routes each dy cell to one position of its 2x2 window, so dW needs only
 * dy x (9 input pixels) per cell and channel: 9 multiply-adds per pooled value, skipped
 * where the ReLU masks it, instead of materialising the 16M-element pre-pool gradient and
 * contracting it with an im2col matrix. The ReLU mask (p > 0) and the bias gradient are
 * taken on the way: no separate pass writing a masked copy of dy. The mask is read from
 * p (one read) rather than from the window maximum of z (four reads even where it is
 * zero), which measured slower than the separate pass. Ties go to the first maximum in
 * row-major order, as the cpu backend's MaxPoolGrad.
 *
 * Loop order: one channel at a time along a row of pooled cells, its ten sums in locals
 * (not nine array slots loaded and stored per cell), the 9 pixels read from a zero-
 * bordered copy of the image (no bounds tests); a row's z, p and dy (40 KB) stay cached
 * across its channels.
 */
export function makeFirstLayerFilterGradKernel(): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as WasmBackendInternals;
    const { dy, p: pooled, z, x } = args.inputs as { dy: TensorInfo; p: TensorInfo; z: TensorInfo; x: TensorInfo };
    const [n, h, w, f] = z.shape;
    const out = backend.makeOutput([3, 3, 1, f], 'float32');
    const db = backend.makeOutput([f], 'float32');
    // views only after the last allocation: heap growth would detach them
    const dyv = backend.typedArrayFromHeap(dy) as Float32Array;
    const pv = backend.typedArrayFromHeap(pooled) as Float32Array;
    const zv = backend.typedArrayFromHeap(z) as Float32Array;
    const xv = backend.typedArrayFromHeap(x) as Float32Array;
    // [tap 0..8, bias][channel]
    const acc = new Float64Array(10 * f);
    const wp = w + 2;
    const xp = new Float32Array((h + 2) * wp);
    const oh = h / 2;
    const ow = w / 2;
    const row = w * f;
    for (let b = 0; b < n; b += 1) {
      for (let r = 0; r < h; r += 1) xp.set(xv.subarray((b * h + r) * w, (b * h + r + 1) * w), (r + 1) * wp + 1);
      for (let yr = 0; yr < oh; yr += 1) {
        const zRow = (b * h + 2 * yr) * row;
        const gRow = (b * oh + yr) * ow * f;
        const xRow = 2 * yr * wp;
        for (let ch = 0; ch < f; ch += 1) {
          let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0, s8 = 0, sb = 0;
          for (let yc = 0, gi = gRow + ch, zo = zRow + ch, xo = xRow; yc < ow; yc += 1, gi += f, zo += 2 * f, xo += 2) {
            if (pv[gi] <= 0) continue;
            const v = dyv[gi];
            sb += v;
            const a0 = zv[zo];
            const a1 = zv[zo + f];
            const a2 = zv[zo + row];
            const a3 = zv[zo + row + f];
            // the route as arithmetic on comparisons, not branches: the winning position
            // follows the data, and mispredicted branches cost more than the arithmetic
            const top = +(Math.max(a0, a1) >= Math.max(a2, a3));
            const first = top * +(a1 <= a0) + (1 - top) * +(a3 <= a2);
            // top-left of the routed pixel's 3x3 neighbourhood in the bordered image
            const o = xo + (1 - top) * wp + (1 - first);
            s0 += v * xp[o];
            s1 += v * xp[o + 1];
            s2 += v * xp[o + 2];
            s3 += v * xp[o + wp];
            s4 += v * xp[o + wp + 1];
            s5 += v * xp[o + wp + 2];
            s6 += v * xp[o + 2 * wp];
            s7 += v * xp[o + 2 * wp + 1];
            s8 += v * xp[o + 2 * wp + 2];
          }
          acc[ch] += s0;
          acc[ch + f] += s1;
          acc[ch + 2 * f] += s2;
          acc[ch + 3 * f] += s3;
          acc[ch + 4 * f] += s4;
          acc[ch + 5 * f] += s5;
          acc[ch + 6 * f] += s6;
          acc[ch + 7 * f] += s7;
          acc[ch + 8 * f] += s8;
          acc[ch + 9 * f] += sb;
        }
      }
    }
    (backend.typedArrayFromHeap(out) as Float32Array).set(acc.subarray(0, 9 * f));
    (backend.typedArrayFromHeap(db) as Float32Array).set(acc.subarray(9 * f));
    return [out, db];
  };
  return { kernelName: FIRST_LAYER_FILTER_GRAD, backendName: 'wasm', kernelFunc };
}
