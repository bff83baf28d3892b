import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { disposeInfos, runWasmKernel, type WasmBackendInternals } from './wasm-kernel-utils';

/**
 * Packed right operands (the gradient rows of a group of images) are kept at most this
 * size (floats), so they stay in the 2 MB L2 cache while XNNPACK streams the left
 * operand past them once.
 */
const GROUP_FLOATS = 256 * 1024;

/**
 * dW of a stride-1 convolution as one XNNPACK GEMM per group of images, each with a
 * cache-sized reduction. XNNPACK does not block the reduction dimension: one GEMM over
 * the whole batch (K = N*H*W, 262144 for the decoder's 64x64 layer) re-reads its 16M-
 * element packed operand from memory for every 4 output rows, which made dW 3x slower
 * than the forward convolution of the same size.
 *
 * With x laid out as [C, N+1, Hp, Wp] (channel-major, zero borders, one zero image of
 * slack) and dy as [N, Hp, Wp, F] (zero rows and columns on the bottom and right), the
 * product for tap (i, j) is a flat shift: x row c at offset i*Wp + j lines up with dy row
 * q = oh*Wp + ow. So for a group of images the im2col matrix [kh*kw*C, G*Hp*Wp] is
 * kh*kw*C contiguous copies, and dW_group = im2col . dy_group. Positions the shift pushes
 * into the next image, channel or slack meet zero rows of dy. `groupFloats` is exposed
 * for tests (several groups on small tensors).
 */
export function filterGradientByImageGemm(
  backend: WasmBackendInternals,
  x: TensorInfo,
  dy: TensorInfo,
  convInfo: backend_util.Conv2DInfo,
  groupFloats = GROUP_FLOATS,
): TensorInfo {
  const [n, h, w, c] = x.shape;
  const [, oh, ow, f] = dy.shape;
  const { filterHeight: fh, filterWidth: fw } = convInfo;
  const { top, bottom, left, right } = convInfo.padInfo;
  const hp = h + top + bottom;
  const wp = w + left + right;
  const plane = hp * wp;
  const xP = backend.makeOutput([c * (n + 1) * plane], 'float32');
  channelMajorPadded(backend.typedArrayFromHeap(x) as Float32Array, backend.typedArrayFromHeap(xP) as Float32Array, x.shape, top, left, hp, wp);
  const geometry = { n, c, f, oh, ow, fh, fw, wp, plane, groupFloats };
  const dw = 9 * f <= c ? shiftedGradientGemm(backend, xP, dy, geometry) : shiftedInputGemm(backend, xP, dy, geometry);
  disposeInfos(backend, xP);
  return dw;
}

interface Geometry {
  n: number;
  c: number;
  f: number;
  oh: number;
  ow: number;
  fh: number;
  fw: number;
  wp: number;
  plane: number;
  groupFloats: number;
}

/** dW [kh*kw*C, F] = im2col(x) [kh*kw*C, G*plane] . dyP [G*plane, F], summed over groups. */
function shiftedInputGemm(backend: WasmBackendInternals, xP: TensorInfo, dy: TensorInfo, geo: Geometry): TensorInfo {
  const { n, c, f, fh, fw, wp, plane, groupFloats } = geo;
  const group = Math.max(1, Math.min(n, Math.floor(groupFloats / (plane * f))));
  const rows = fh * fw * c;
  const acc = new Float32Array(rows * f);
  for (let n0 = 0; n0 < n; n0 += group) {
    const g = Math.min(group, n - n0);
    const span = g * plane;
    const a = backend.makeOutput([1, rows, span], 'float32');
    const b = backend.makeOutput([1, span, f], 'float32');
    // views only after the last allocation: heap growth would detach them
    const av = backend.typedArrayFromHeap(a) as Float32Array;
    const xv = backend.typedArrayFromHeap(xP) as Float32Array;
    for (let i = 0; i < fh; i += 1) {
      for (let j = 0; j < fw; j += 1) {
        const shift = i * wp + j;
        for (let ch = 0; ch < c; ch += 1) {
          const from = (ch * (n + 1) + n0) * plane + shift;
          av.set(xv.subarray(from, from + span), ((i * fw + j) * c + ch) * span);
        }
      }
    }
    paddedGradientRows(backend.typedArrayFromHeap(dy) as Float32Array, backend.typedArrayFromHeap(b) as Float32Array, n0, g, geo);
    const part = runWasmKernel('BatchMatMul', backend, { a, b }, { transposeA: false, transposeB: false });
    const pv = backend.typedArrayFromHeap(part) as Float32Array;
    for (let k = 0; k < acc.length; k += 1) acc[k] += pv[k];
    disposeInfos(backend, a, b, part);
  }
  const dw = backend.makeOutput([fh, fw, c, f], 'float32');
  (backend.typedArrayFromHeap(dw) as Float32Array).set(acc);
  return dw;
}

/**
 * For few output channels (the decoder's last layer has one), the shifts go on dy
 * instead: dW^T [C, kh*kw*F] = x [C, G*plane] . dyShift [G*plane, kh*kw*F], where tap t's
 * columns are dyP moved down by its shift. An [*, F] right operand would fill one of
 * XNNPACK's 8 output columns.
 */
function shiftedGradientGemm(backend: WasmBackendInternals, xP: TensorInfo, dy: TensorInfo, geo: Geometry): TensorInfo {
  const { n, c, f, fh, fw, wp, plane, groupFloats } = geo;
  const taps = fh * fw;
  const cols = taps * f;
  const group = Math.max(1, Math.min(n, Math.floor(groupFloats / (plane * cols))));
  const acc = new Float32Array(c * cols);
  for (let n0 = 0; n0 < n; n0 += group) {
    const g = Math.min(group, n - n0);
    const span = g * plane;
    const a = backend.makeOutput([1, c, span], 'float32');
    const padded = backend.makeOutput([span * f], 'float32');
    const b = backend.makeOutput([1, span, cols], 'float32');
    const av = backend.typedArrayFromHeap(a) as Float32Array;
    const xv = backend.typedArrayFromHeap(xP) as Float32Array;
    for (let ch = 0; ch < c; ch += 1) {
      const from = (ch * (n + 1) + n0) * plane;
      av.set(xv.subarray(from, from + span), ch * span);
    }
    const pv = backend.typedArrayFromHeap(padded) as Float32Array;
    paddedGradientRows(backend.typedArrayFromHeap(dy) as Float32Array, pv, n0, g, geo);
    const bv = backend.typedArrayFromHeap(b) as Float32Array;
    bv.fill(0);
    for (let t = 0; t < taps; t += 1) {
      const shift = Math.floor(t / fw) * wp + (t % fw);
      for (let p = shift; p < span; p += 1) {
        const to = p * cols + t * f;
        const from = (p - shift) * f;
        for (let k = 0; k < f; k += 1) bv[to + k] = pv[from + k];
      }
    }
    const part = runWasmKernel('BatchMatMul', backend, { a, b }, { transposeA: false, transposeB: false });
    const out = backend.typedArrayFromHeap(part) as Float32Array;
    for (let k = 0; k < acc.length; k += 1) acc[k] += out[k];
    disposeInfos(backend, a, padded, b, part);
  }
  // [C, taps, F] -> [taps, C, F]
  const dw = backend.makeOutput([fh, fw, c, f], 'float32');
  const dv = backend.typedArrayFromHeap(dw) as Float32Array;
  for (let ch = 0; ch < c; ch += 1) {
    for (let t = 0; t < taps; t += 1) {
      for (let k = 0; k < f; k += 1) dv[(t * c + ch) * f + k] = acc[(ch * taps + t) * f + k];
    }
  }
  return dw;
}

/** dy rows of images n0..n0+g-1 placed at q = oh*Wp + ow of a zeroed [g*plane, F]. */
function paddedGradientRows(dv: Float32Array, out: Float32Array, n0: number, g: number, geo: Geometry): void {
  const { f, oh, ow, wp, plane } = geo;
  out.fill(0);
  for (let k = 0; k < g; k += 1) {
    for (let r = 0; r < oh; r += 1) {
      const from = ((n0 + k) * oh + r) * ow * f;
      out.set(dv.subarray(from, from + ow * f), (k * plane + r * wp) * f);
    }
  }
}

/** NHWC x -> [C, N+1, Hp, Wp] with zero borders and a zero last image. */
function channelMajorPadded(src: Float32Array, dst: Float32Array, shape: number[], top: number, left: number, hp: number, wp: number): void {
  const [n, h, w, c] = shape;
  const plane = hp * wp;
  const channelStride = (n + 1) * plane;
  dst.fill(0);
  let s = 0;
  for (let b = 0; b < n; b += 1) {
    for (let r = 0; r < h; r += 1) {
      const rowBase = b * plane + (r + top) * wp + left;
      for (let col = 0; col < w; col += 1) {
        let d = rowBase + col;
        for (let ch = 0; ch < c; ch += 1, d += channelStride) dst[d] = src[s++];
      }
    }
  }
}
