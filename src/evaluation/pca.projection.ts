import { SeededRandom } from '../util/seeded-random';
import { symmetricEigen } from './symmetric-eigen';
import type { VectorMatrix } from './vector-matrix';

/**
 * PCA by seeded randomized subspace iteration (Halko, Martinsson & Tropp 2011): a few
 * passes of X^T X over an (n x l) block instead of a 2048 x 2048 covariance. On ~300 x 2048
 * per cell line it takes milliseconds and brings UMAP's neighbour search and the logistic
 * regression's Newton steps down to ~50 dimensions. Deterministic for a seed; axis signs
 * are fixed like sklearn's svd_flip (largest-magnitude loading positive) so results do not
 * flip between runs.
 */
export interface PcaModel {
  dim: number;
  components: number;
  mean: Float64Array;
  /** components x dim, row-major, unit rows */
  axes: Float64Array;
  /** variance along each axis (denominator n - 1, as sklearn) */
  explainedVariance: Float64Array;
  /** share of the total variance each axis explains */
  explainedVarianceRatio: Float64Array;
}

export interface PcaOptions {
  components: number;
  seed?: number | string;
  /** extra columns beyond `components`; more makes the leading axes more exact */
  oversampling?: number;
  powerIterations?: number;
}

export function fitPca(x: VectorMatrix, options: PcaOptions): PcaModel {
  const { rows: n, dim: d, data } = x;
  if (n < 2) throw new RangeError('PCA needs at least two rows');
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i += 1) for (let k = 0; k < d; k += 1) mean[k] += data[i * d + k];
  for (let k = 0; k < d; k += 1) mean[k] /= n;
  let totalVariance = 0;
  for (let i = 0; i < n; i += 1) for (let k = 0; k < d; k += 1) totalVariance += (data[i * d + k] - mean[k]) ** 2;
  totalVariance /= n - 1;

  const wanted = Math.min(options.components, n - 1, d);
  const l = Math.min(wanted + (options.oversampling ?? 10), n, d);
  const random = new SeededRandom(options.seed ?? 0);
  // omega: d x l gaussian
  let basis: Float64Array = new Float64Array(d * l);
  for (let i = 0; i < basis.length; i += 1) basis[i] = random.normal();
  let q: Float64Array = orthonormalColumns(centredTimes(x, mean, basis, l), n, l);
  for (let it = 0; it < (options.powerIterations ?? 3); it += 1) {
    basis = orthonormalColumns(centredTransposeTimes(x, mean, q, l), d, l);
    q = orthonormalColumns(centredTimes(x, mean, basis, l), n, l);
  }
  // B = Q^T Xc (l x d), stored transposed as d x l
  const bt = centredTransposeTimes(x, mean, q, l);
  const gram = new Float64Array(l * l);
  for (let k = 0; k < d; k += 1) {
    for (let a = 0; a < l; a += 1) {
      const bka = bt[k * l + a];
      for (let b = a; b < l; b += 1) gram[a * l + b] += bka * bt[k * l + b];
    }
  }
  for (let a = 0; a < l; a += 1) for (let b = 0; b < a; b += 1) gram[a * l + b] = gram[b * l + a];
  const { values, vectors } = symmetricEigen(gram, l);
  // drop directions with no variance: their axes would be arbitrary
  let kept = 0;
  while (kept < wanted && values[kept] > 1e-12 * Math.max(values[0], 1e-300)) kept += 1;
  const axes = new Float64Array(kept * d);
  const explainedVariance = new Float64Array(kept);
  const explainedVarianceRatio = new Float64Array(kept);
  for (let c = 0; c < kept; c += 1) {
    const sigma = Math.sqrt(values[c]);
    let largest = 0;
    for (let k = 0; k < d; k += 1) {
      let s = 0;
      for (let a = 0; a < l; a += 1) s += bt[k * l + a] * vectors[a * l + c];
      axes[c * d + k] = s / sigma;
      if (Math.abs(axes[c * d + k]) > Math.abs(largest)) largest = axes[c * d + k];
    }
    if (largest < 0) for (let k = 0; k < d; k += 1) axes[c * d + k] = -axes[c * d + k];
    explainedVariance[c] = values[c] / (n - 1);
    explainedVarianceRatio[c] = totalVariance > 0 ? explainedVariance[c] / totalVariance : 0;
  }
  return { dim: d, components: kept, mean, axes, explainedVariance, explainedVarianceRatio };
}

export function projectPca(model: PcaModel, x: VectorMatrix): VectorMatrix {
  if (x.dim !== model.dim) throw new RangeError(`PCA fitted on ${model.dim}-d, given ${x.dim}-d`);
  const { rows: n, dim: d, data } = x;
  const k = model.components;
  const out = new Float32Array(n * k);
  const centred = new Float64Array(d);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < d; j += 1) centred[j] = data[i * d + j] - model.mean[j];
    for (let c = 0; c < k; c += 1) {
      let s = 0;
      const offset = c * d;
      for (let j = 0; j < d; j += 1) s += centred[j] * model.axes[offset + j];
      out[i * k + c] = s;
    }
  }
  return { rows: n, dim: k, data: out };
}

/** (X - mean) M for M: d x l; result n x l. */
function centredTimes(x: VectorMatrix, mean: Float64Array, m: Float64Array, l: number): Float64Array {
  const { rows: n, dim: d, data } = x;
  const out = new Float64Array(n * l);
  for (let i = 0; i < n; i += 1) {
    const o = i * l;
    for (let k = 0; k < d; k += 1) {
      const value = data[i * d + k] - mean[k];
      if (value === 0) continue;
      const mk = k * l;
      for (let a = 0; a < l; a += 1) out[o + a] += value * m[mk + a];
    }
  }
  return out;
}

/** (X - mean)^T Q for Q: n x l; result d x l. */
function centredTransposeTimes(x: VectorMatrix, mean: Float64Array, q: Float64Array, l: number): Float64Array {
  const { rows: n, dim: d, data } = x;
  const out = new Float64Array(d * l);
  for (let i = 0; i < n; i += 1) {
    const qi = i * l;
    for (let k = 0; k < d; k += 1) {
      const value = data[i * d + k] - mean[k];
      if (value === 0) continue;
      const ok = k * l;
      for (let a = 0; a < l; a += 1) out[ok + a] += value * q[qi + a];
    }
  }
  return out;
}

/** Modified Gram-Schmidt, twice for stability; a column that vanishes is left zero. */
function orthonormalColumns(m: Float64Array, rows: number, cols: number): Float64Array {
  for (let pass = 0; pass < 2; pass += 1) {
    for (let c = 0; c < cols; c += 1) {
      for (let p = 0; p < c; p += 1) {
        let dot = 0;
        for (let r = 0; r < rows; r += 1) dot += m[r * cols + c] * m[r * cols + p];
        for (let r = 0; r < rows; r += 1) m[r * cols + c] -= dot * m[r * cols + p];
      }
      let norm = 0;
      for (let r = 0; r < rows; r += 1) norm += m[r * cols + c] ** 2;
      norm = Math.sqrt(norm);
      for (let r = 0; r < rows; r += 1) m[r * cols + c] = norm > 1e-300 ? m[r * cols + c] / norm : 0;
    }
  }
  return m;
}
