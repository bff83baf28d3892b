/**
 * Float32 kernels on plain vectors (no tfjs: cheap, synchronous, exact): the vector index's
 * hot loops and profile medians. Four (two) accumulators break the dependency chain of a
 * single running sum, which is what makes these fast in V8.
 */

export function dot(a: Float32Array, b: Float32Array, bOffset = 0, length = a.length): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    s0 += a[i] * b[bOffset + i];
    s1 += a[i + 1] * b[bOffset + i + 1];
    s2 += a[i + 2] * b[bOffset + i + 2];
    s3 += a[i + 3] * b[bOffset + i + 3];
  }
  for (; i < length; i += 1) s0 += a[i] * b[bOffset + i];
  return s0 + s1 + s2 + s3;
}

export function squaredDistance(a: Float32Array, b: Float32Array, bOffset = 0, length = a.length): number {
  let s0 = 0;
  let s1 = 0;
  let i = 0;
  for (; i + 1 < length; i += 2) {
    const d0 = a[i] - b[bOffset + i];
    const d1 = a[i + 1] - b[bOffset + i + 1];
    s0 += d0 * d0;
    s1 += d1 * d1;
  }
  for (; i < length; i += 1) {
    const d = a[i] - b[bOffset + i];
    s0 += d * d;
  }
  return s0 + s1;
}

export function norm(v: Float32Array): number {
  return Math.sqrt(dot(v, v));
}

/** A unit-length copy; the zero vector stays zero. */
export function normalized(v: Float32Array): Float32Array {
  const n = norm(v);
  const out = new Float32Array(v.length);
  if (n > 0) for (let i = 0; i < v.length; i += 1) out[i] = v[i] / n;
  return out;
}

/** Element-wise median of equally long vectors (mean of the middle two for an even count). */
export function elementwiseMedian(vectors: readonly Float32Array[]): Float32Array {
  if (vectors.length === 0) throw new Error('median of no vectors');
  const dim = vectors[0].length;
  const out = new Float32Array(dim);
  const column = new Float32Array(vectors.length);
  const mid = vectors.length >> 1;
  for (let d = 0; d < dim; d += 1) {
    for (let i = 0; i < vectors.length; i += 1) column[i] = vectors[i][d];
    column.sort();
    out[d] = vectors.length % 2 === 1 ? column[mid] : (column[mid - 1] + column[mid]) / 2;
  }
  return out;
}

