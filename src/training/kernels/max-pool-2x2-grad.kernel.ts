import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendInternals } from './wasm-kernel-utils';

/** Our kernel: 2x2/2 max-pool gradient routed by the pre-pool input z. */
export const MAX_POOL_2X2_GRAD = 'MorphospaceMaxPool2x2Grad';

/**
 * inputs {dy: [N,H/2,W/2,C], z: [N,H,W,C]}; attrs {channelsFirst}. Each dy cell goes to
 * the first maximum of its 2x2 window of z (row-major, as the cpu backend), zeros
 * elsewhere. With channelsFirst the result is written as [C,N,H,W]: as a [C, NHW]
 * matrix it is the left operand of the first layer's filter gradient, so that 16M-element
 * gradient is never transposed nor packed as XNNPACK weights (packing a fresh 16M
 * operand costs ~10x the product itself).
 */
export function makeMaxPool2x2GradKernel(): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as WasmBackendInternals;
    const { dy, z } = args.inputs as { dy: TensorInfo; z: TensorInfo };
    const channelsFirst = Boolean((args.attrs as { channelsFirst?: boolean }).channelsFirst);
    const [n, h, w, c] = z.shape;
    const dx = backend.makeOutput(channelsFirst ? [c, n, h, w] : [n, h, w, c], 'float32');
    const x = backend.typedArrayFromHeap(z) as Float32Array;
    const g = backend.typedArrayFromHeap(dy) as Float32Array;
    const out = backend.typedArrayFromHeap(dx) as Float32Array;
    const oh = h / 2;
    const ow = w / 2;
    const row = w * c;
    // output offsets: of the four window cells relative to the top-left one, of channels
    const right = channelsFirst ? 1 : c;
    const down = channelsFirst ? w : row;
    const plane = channelsFirst ? n * h * w : 1;
    let gi = 0;
    for (let b = 0; b < n; b += 1) {
      for (let yr = 0; yr < oh; yr += 1) {
        for (let yc = 0; yc < ow; yc += 1) {
          const p = b * h * row + 2 * yr * row + 2 * yc * c;
          const q = channelsFirst ? b * h * w + 2 * yr * w + 2 * yc : p;
          for (let ch = 0; ch < c; ch += 1, gi += 1) {
            const a0 = x[p + ch];
            const a1 = x[p + ch + c];
            const a2 = x[p + ch + row];
            const a3 = x[p + ch + row + c];
            const v = g[gi];
            const m01 = a1 > a0 ? a1 : a0;
            const m23 = a3 > a2 ? a3 : a2;
            const top = m01 >= m23;
            const first = top ? a1 <= a0 : a3 <= a2;
            const o = q + ch * plane;
            out[o] = top && first ? v : 0;
            out[o + right] = top && !first ? v : 0;
            out[o + down] = !top && first ? v : 0;
            out[o + down + right] = !top && !first ? v : 0;
          }
        }
      }
    }
    return dx;
  };
  return { kernelName: MAX_POOL_2X2_GRAD, backendName: 'wasm', kernelFunc };
}
