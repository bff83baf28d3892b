import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendInternals } from './wasm-kernel-utils';

/** Our kernel: im2col of a single-channel image batch for a 3x3 'same' convolution. */
export const IM2COL_3X3 = 'MorphospaceIm2col3x3';

/**
 * inputs {x: [N,H,W,1]} -> [N*H*W, 9], column (kh*3 + kw) holding x[n, h+kh-1, w+kw-1]
 * (zero outside). The wasm Slice + Concat route to the same matrix was 10x slower.
 */
export function makeIm2col3x3Kernel(): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as WasmBackendInternals;
    const { x } = args.inputs as { x: TensorInfo };
    const [n, h, w, c] = x.shape;
    if (c !== 1) throw new Error(`${IM2COL_3X3} takes one channel, got ${c}`);
    const out = backend.makeOutput([n * h * w, 9], 'float32');
    const src = backend.typedArrayFromHeap(x) as Float32Array;
    const dst = backend.typedArrayFromHeap(out) as Float32Array;
    let o = 0;
    for (let b = 0; b < n; b += 1) {
      const base = b * h * w;
      for (let r = 0; r < h; r += 1) {
        for (let col = 0; col < w; col += 1) {
          for (let kh = -1; kh <= 1; kh += 1) {
            const rr = r + kh;
            const inside = rr >= 0 && rr < h;
            const rowBase = base + rr * w;
            for (let kw = -1; kw <= 1; kw += 1, o += 1) {
              const cc = col + kw;
              dst[o] = inside && cc >= 0 && cc < w ? src[rowBase + cc] : 0;
            }
          }
        }
      }
    }
    return out;
  };
  return { kernelName: IM2COL_3X3, backendName: 'wasm', kernelFunc };
}
