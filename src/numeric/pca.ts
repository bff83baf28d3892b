import { SeededRandom } from '../util/seeded-random';
import { symmetricEigen } from './symmetric-eigen';
import type { VectorMatrix } from './matrix';

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
  if (n <= d) return fitPcaByGram(x, mean, totalVariance, wanted, options);
  const l = Math.min(wanted + (options.oversampling ?? 10), n, d);
  const random = new SeededRandom(options.seed ?? 0);
  // omega: d x l gaussian
  let basis: Float64Array = new Float64Array(d * l);
  for (let i = 0; i < basis.length; i += 1) basis[i] = random.normal();
  let q: Float64Array = orthonormalColumns(centredTimes(x, mean, basis, l), n, l);
  for (let it = 0; it < (options.powerIterations ?? 2); it += 1) {
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
  const model = emptyModel(mean, values, wanted, n, totalVariance);
  for (let c = 0; c < model.components; c += 1) {
    const sigma = Math.sqrt(values[c]);
    for (let k = 0; k < d; k += 1) {
      let s = 0;
      for (let a = 0; a < l; a += 1) s += bt[k * l + a] * vectors[a * l + c];
      model.axes[c * d + k] = s / sigma;
    }
    flipSign(model.axes, c * d, d);
  }
  return model;
}

/**
 * The model with its variances and room for the axes. Directions with no variance are
 * dropped: their axes would be arbitrary.
 */
function emptyModel(mean: Float64Array, values: Float64Array, wanted: number, n: number, totalVariance: number): PcaModel {
  let kept = 0;
  while (kept < wanted && values[kept] > 1e-12 * Math.max(values[0], 1e-300)) kept += 1;
  const explainedVariance = Float64Array.from(values.subarray(0, kept), (value) => value / (n - 1));
  const explainedVarianceRatio = Float64Array.from(explainedVariance, (variance) => (totalVariance > 0 ? variance / totalVariance : 0));
  return { dim: mean.length, components: kept, mean, axes: new Float64Array(kept * mean.length), explainedVariance, explainedVarianceRatio };
}

/** sklearn's svd_flip: the largest-magnitude loading of an axis is positive (the first of equal magnitudes decides). */
function flipSign(axes: Float64Array, offset: number, d: number): void {
  let largest = 0;
  for (let k = 0; k < d; k += 1) if (Math.abs(axes[offset + k]) > Math.abs(largest)) largest = axes[offset + k];
  if (largest < 0) for (let k = 0; k < d; k += 1) axes[offset + k] = -axes[offset + k];
}

/**
 * Fewer rows than dimensions (a cell line: ~300 x 2048): the n x n Gram matrix of the
 * centred rows is built from contiguous dot products, the subspace iteration runs on it
 * (n x n x l per step instead of n x d x l), and the axes are recovered as
 * Xc^T u / sigma. Same result, several times faster in plain JS.
 */
function fitPcaByGram(x: VectorMatrix, mean: Float64Array, totalVariance: number, wanted: number, options: PcaOptions): PcaModel {
  const { rows: n, dim: d, data } = x;
  const centred = new Float64Array(n * d);
  for (let i = 0; i < n; i += 1) for (let k = 0; k < d; k += 1) centred[i * d + k] = data[i * d + k] - mean[k];
  const gram = gramOfRows(centred, n, d);
  const l = Math.min(wanted + (options.oversampling ?? 10), n);
  const random = new SeededRandom(options.seed ?? 0);
  let q: Float64Array = new Float64Array(n * l);
  for (let i = 0; i < q.length; i += 1) q[i] = random.normal();
  const iterations = (options.powerIterations ?? 2) + 3; // cheap here: converge the leading axes further
  for (let it = 0; it < iterations; it += 1) q = orthonormalColumns(symmetricTimes(gram, n, q, l), n, l);
  // T = Q^T G Q (l x l)
  const gq = symmetricTimes(gram, n, q, l);
  const t = new Float64Array(l * l);
  for (let i = 0; i < n; i += 1) for (let a = 0; a < l; a += 1) for (let b = 0; b < l; b += 1) t[a * l + b] += q[i * l + a] * gq[i * l + b];
  const { values, vectors } = symmetricEigen(t, l);
  const model = emptyModel(mean, values, wanted, n, totalVariance);
  const axes = model.axes;
  const u = new Float64Array(n);
  for (let c = 0; c < model.components; c += 1) {
    for (let i = 0; i < n; i += 1) {
      let s = 0;
      for (let a = 0; a < l; a += 1) s += q[i * l + a] * vectors[a * l + c];
      u[i] = s;
    }
    const sigma = Math.sqrt(values[c]);
    const offset = c * d;
    for (let i = 0; i < n; i += 1) {
      const w = u[i] / sigma;
      if (w === 0) continue;
      for (let k = 0, oi = i * d; k < d; k += 1) axes[offset + k] += w * centred[oi + k];
    }
    flipSign(axes, offset, d);
  }
  return model;
}

/** The n x n dot products of the rows (see dotsWithRows). */
function gramOfRows(rows: Float64Array, n: number, d: number): Float64Array {
  const gram = new Float64Array(n * n);
  const dots = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    dotsWithRows(rows, i * d, rows, i, n, d, dots);
    for (let j = i; j < n; j += 1) gram[i * n + j] = gram[j * n + i] = dots[j];
  }
  return gram;
}

/**
 * out[r] = x[xOffset ..+d] . row r of m, for rows `from` to `to` - 1. Four rows per pass over
 * x: a quarter of the loads of one dot product at a time, and each sum still adds in the
 * same order, so the results are identical to the plain loop's.
 */
function dotsWithRows(x: Float64Array, xOffset: number, m: Float64Array, from: number, to: number, d: number, out: Float64Array): void {
  let r = from;
  for (; r + 3 < to; r += 4) {
    const o0 = r * d;
    const o1 = o0 + d;
    const o2 = o1 + d;
    const o3 = o2 + d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let k = 0; k < d; k += 1) {
      const v = x[xOffset + k];
      s0 += v * m[o0 + k];
      s1 += v * m[o1 + k];
      s2 += v * m[o2 + k];
      s3 += v * m[o3 + k];
    }
    out[r] = s0;
    out[r + 1] = s1;
    out[r + 2] = s2;
    out[r + 3] = s3;
  }
  for (; r < to; r += 1) {
    let s = 0;
    for (let k = 0, o = r * d; k < d; k += 1) s += x[xOffset + k] * m[o + k];
    out[r] = s;
  }
}

function symmetricTimes(g: Float64Array, n: number, q: Float64Array, l: number): Float64Array {
  const out = new Float64Array(n * l);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) {
      const gij = g[i * n + j];
      if (gij === 0) continue;
      for (let a = 0, oi = i * l, oj = j * l; a < l; a += 1) out[oi + a] += gij * q[oj + a];
    }
  }
  return out;
}

/** The rows of x (or only the rows given, in that order, without copying them first) in the model's axes. */
export function projectPca(model: PcaModel, x: VectorMatrix, rows?: readonly number[]): VectorMatrix {
  if (x.dim !== model.dim) throw new RangeError(`PCA fitted on ${model.dim}-d, given ${x.dim}-d`);
  const { dim: d, data } = x;
  const n = rows ? rows.length : x.rows;
  const k = model.components;
  const out = new Float32Array(n * k);
  const centred = new Float64Array(d);
  const projected = new Float64Array(k);
  for (let i = 0; i < n; i += 1) {
    const offset = (rows ? rows[i] : i) * d;
    for (let j = 0; j < d; j += 1) centred[j] = data[offset + j] - model.mean[j];
    dotsWithRows(centred, 0, model.axes, 0, k, d, projected);
    out.set(projected, i * k);
  }
  return { rows: n, dim: k, data: out };
}

/** (X - mean) M for M: d x l; result n x l. */
function centredTimes(x: VectorMatrix, mean: Float64Array, m: Float64Array, l: number): Float64Array {
  return centredProduct(x, mean, m, l, false);
}

/** (X - mean)^T Q for Q: n x l; result d x l. */
function centredTransposeTimes(x: VectorMatrix, mean: Float64Array, q: Float64Array, l: number): Float64Array {
  return centredProduct(x, mean, q, l, true);
}

/**
 * Both products in one pass over X in row order (the order X is stored in): each centred
 * entry (i, k) adds a scaled row of the l-wide operand, at k of it into row i of the result,
 * or (transposed) at i of it into row k.
 */
function centredProduct(x: VectorMatrix, mean: Float64Array, operand: Float64Array, l: number, transposed: boolean): Float64Array {
  const { rows: n, dim: d, data } = x;
  const out = new Float64Array((transposed ? d : n) * l);
  for (let i = 0; i < n; i += 1) {
    for (let k = 0; k < d; k += 1) {
      const value = data[i * d + k] - mean[k];
      if (value === 0) continue;
      const o = (transposed ? k : i) * l;
      const m = (transposed ? i : k) * l;
      for (let a = 0; a < l; a += 1) out[o + a] += value * operand[m + a];
    }
  }
  return out;
}

/** Modified Gram-Schmidt, twice for stability, on contiguous column copies; a column that vanishes is left zero. */
function orthonormalColumns(m: Float64Array, rows: number, cols: number): Float64Array {
  const columns: Float64Array[] = [];
  for (let c = 0; c < cols; c += 1) {
    const column = new Float64Array(rows);
    for (let r = 0; r < rows; r += 1) column[r] = m[r * cols + c];
    columns.push(column);
  }
  for (let pass = 0; pass < 2; pass += 1) {
    for (let c = 0; c < cols; c += 1) {
      const v = columns[c];
      for (let p = 0; p < c; p += 1) {
        const u = columns[p];
        let dot = 0;
        for (let r = 0; r < rows; r += 1) dot += v[r] * u[r];
        for (let r = 0; r < rows; r += 1) v[r] -= dot * u[r];
      }
      let norm = 0;
      for (let r = 0; r < rows; r += 1) norm += v[r] * v[r];
      norm = Math.sqrt(norm);
      for (let r = 0; r < rows; r += 1) v[r] = norm > 1e-300 ? v[r] / norm : 0;
    }
  }
  for (let c = 0; c < cols; c += 1) for (let r = 0; r < rows; r += 1) m[r * cols + c] = columns[c][r];
  return m;
}
