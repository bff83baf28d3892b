import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendInternals } from './wasm-kernel-utils';

/** Our kernel: backward pass of relu(maxpool2x2(z)) plus the bias gradient, in one sweep. */
export const POOL_RELU_BIAS_GRAD = 'MorphospacePoolReluBiasGrad';

/**
 * inputs {dy: [N,H/2,W/2,C] (gradient at the ReLU output), z: [N,H,W,C] (pre-pool conv
 * output, bias included)} -> [dz: [N,H,W,C], db: [C]]. The pooled value is the window's
 * maximum, already at hand to route the gradient, so the ReLU mask costs a comparison
 * instead of a separate pass writing a masked copy of dy. Each kept dy cell goes to the
 * first maximum of its 2x2 window (row-major, as the cpu backend), zeros elsewhere.
 */
export function makePoolReluBiasGradKernel(): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as WasmBackendInternals;
    const { dy, z } = args.inputs as { dy: TensorInfo; z: TensorInfo };
    const [n, h, w, c] = z.shape;
    const dz = backend.makeOutput([n, h, w, c], 'float32');
    const db = backend.makeOutput([c], 'float32');
    // views only after the last allocation: heap growth would detach them
    const x = backend.typedArrayFromHeap(z) as Float32Array;
    const g = backend.typedArrayFromHeap(dy) as Float32Array;
    const out = backend.typedArrayFromHeap(dz) as Float32Array;
    const acc = new Float64Array(c);
    const oh = h / 2;
    const ow = w / 2;
    const row = w * c;
    let gi = 0;
    for (let b = 0; b < n; b += 1) {
      for (let yr = 0; yr < oh; yr += 1) {
        for (let yc = 0; yc < ow; yc += 1) {
          const p = b * h * row + 2 * yr * row + 2 * yc * c;
          for (let ch = 0; ch < c; ch += 1, gi += 1) {
            const o = p + ch;
            const a0 = x[o];
            const a1 = x[o + c];
            const a2 = x[o + row];
            const a3 = x[o + row + c];
            const m01 = a1 > a0 ? a1 : a0;
            const m23 = a3 > a2 ? a3 : a2;
            const top = m01 >= m23;
            const v = (top ? m01 : m23) > 0 ? g[gi] : 0;
            acc[ch] += v;
            const first = top ? a1 <= a0 : a3 <= a2;
            out[o] = top && first ? v : 0;
            out[o + c] = top && !first ? v : 0;
            out[o + row] = !top && first ? v : 0;
            out[o + row + c] = !top && !first ? v : 0;
          }
        }
      }
    }
    (backend.typedArrayFromHeap(db) as Float32Array).set(acc);
    return [dz, db];
  };
  return { kernelName: POOL_RELU_BIAS_GRAD, backendName: 'wasm', kernelFunc };
}
