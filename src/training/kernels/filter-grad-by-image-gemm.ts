import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { disposeInfos, heapView, releaseView, runWasmKernel, type WasmBackendInternals } from './wasm-kernel-utils';

/**
 * Packed right operands (the gradient rows of a group of images) are kept at most this
 * size (floats), so they stay in the 2 MB L2 cache while XNNPACK streams the left
 * operand past them once.
 */
const GROUP_FLOATS = 256 * 1024;

/**
 * dW of a stride-1 convolution as XNNPACK GEMMs per group of images, each with a
 * cache-sized reduction. XNNPACK does not block the reduction dimension: one GEMM over
 * the whole batch (K = N*H*W, 262144 for the decoder's 64x64 layer) re-reads its 16M-
 * element packed operand from memory for every 4 output rows, which made dW 3x slower
 * than the forward convolution of the same size.
 *
 * With x laid out channel-major with zero borders and dy with zero rows and columns on
 * the bottom and right, the product for tap (i, j) is a flat shift: x at offset
 * i*Wp + j lines up with dy row q = oh*Wp + ow. Positions the shift pushes into the next
 * image, channel or slack meet zero rows of dy. `groupFloats` is exposed for tests
 * (several groups on small tensors).
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
  const geometry = { n, c, f, oh, ow, fh, fw, wp, plane: hp * wp, groupFloats };
  if (9 * f <= c) {
    const xP = backend.makeOutput([c * (n + 1) * hp * wp], 'float32');
    const xv = backend.typedArrayFromHeap(x) as Float32Array;
    channelMajorPadded(xv, backend.typedArrayFromHeap(xP) as Float32Array, 0, n, (n + 1) * hp * wp, x.shape, top, left, hp, wp);
    const dw = shiftedGradientGemm(backend, xP, dy, geometry);
    disposeInfos(backend, xP);
    return dw;
  }
  return shiftedInputGemm(backend, x, dy, geometry, top, left, hp);
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

/**
 * dW [kh*kw, C, F] = sum over groups and taps of x_group,tap [C, K] . dyP_group [K, F].
 * Each group of images is laid out as [C, K] with K = G*plane + slack (the largest
 * shift, zeros), so tap t's left operand is the same memory read from offset shift(t):
 * row c then starts at c*K + shift, a matrix in place, with no im2col copy (copying 9
 * shifted rows per channel moved 42M floats per step for the encoder's 32x32 layer).
 * The shifted rows' tails run into the next channel's first values, which meet the
 * slack rows of dyP, zero. All taps of a group share dyP, packed by XNNPACK once (its
 * operator cache is keyed by the right operand).
 */
function shiftedInputGemm(backend: WasmBackendInternals, x: TensorInfo, dy: TensorInfo, geo: Geometry, top: number, left: number, hp: number): TensorInfo {
  const { n, c, f, fh, fw, wp, plane, groupFloats } = geo;
  const group = Math.max(1, Math.min(n, Math.floor(groupFloats / (plane * f))));
  const slack = (fh - 1) * wp + fw - 1;
  const taps = fh * fw;
  const acc = new Float32Array(taps * c * f);
  for (let n0 = 0; n0 < n; n0 += group) {
    const g = Math.min(group, n - n0);
    const k = g * plane + slack;
    // one more slack at the end: the last channel's shifted row reads past c*k
    const xg = backend.makeOutput([c * k + slack], 'float32');
    const b = backend.makeOutput([1, k, f], 'float32');
    // views only after the last allocation: heap growth would detach them
    channelMajorPadded(backend.typedArrayFromHeap(x) as Float32Array, backend.typedArrayFromHeap(xg) as Float32Array, n0, g, k, x.shape, top, left, hp, wp);
    paddedGradientRows(backend.typedArrayFromHeap(dy) as Float32Array, backend.typedArrayFromHeap(b) as Float32Array, n0, g, geo);
    for (let t = 0; t < taps; t += 1) {
      const a = heapView(backend, xg, Math.floor(t / fw) * wp + (t % fw), [1, c, k]);
      const part = runWasmKernel('BatchMatMul', backend, { a, b }, { transposeA: false, transposeB: false });
      releaseView(backend, a);
      const pv = backend.typedArrayFromHeap(part) as Float32Array;
      const at = t * c * f;
      for (let q = 0; q < c * f; q += 1) acc[at + q] += pv[q];
      disposeInfos(backend, part);
    }
    disposeInfos(backend, xg, b);
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

/**
 * Images n0..n0+g-1 of NHWC x -> [C, channelStride]: each channel's images as
 * zero-bordered Hp x Wp planes, the rest of its row zero.
 */
function channelMajorPadded(
  src: Float32Array,
  dst: Float32Array,
  n0: number,
  g: number,
  channelStride: number,
  shape: number[],
  top: number,
  left: number,
  hp: number,
  wp: number,
): void {
  const [, h, w, c] = shape;
  const plane = hp * wp;
  dst.fill(0);
  let s = n0 * h * w * c;
  for (let b = 0; b < g; b += 1) {
    for (let r = 0; r < h; r += 1) {
      const rowBase = b * plane + (r + top) * wp + left;
      for (let col = 0; col < w; col += 1) {
        let d = rowBase + col;
        for (let ch = 0; ch < c; ch += 1, d += channelStride) dst[d] = src[s++];
      }
    }
  }
}
