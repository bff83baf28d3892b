import { SeededRandom } from '../util/seeded-random';
import type { MatrixProducts } from './matrix';
import { dot } from './vector';

/**
 * The float32 path of PCA, for the vector index, where speed matters and exact agreement
 * with scikit-learn does not (pca.ts is the float64 one the metrics use).
 *
 * A linear map to a lower-dimensional subspace: y = B (x - mean), B's rows an orthonormal
 * basis of the top principal subspace. Distances within the subspace are kept exactly; the
 * vector index searches there and re-ranks candidates exactly on the full vectors.
 */
export interface Projection {
  inputDimensions: number;
  outputDimensions: number;
  mean: Float32Array;
  /** outputDimensions rows of inputDimensions */
  basis: Float32Array;
}

export interface PcaFloat32Options {
  outputDimensions: number;
  /** rows the subspace is fitted on */
  sampleSize?: number;
  /** subspace (power) iterations */
  iterations?: number;
  seed?: number;
}

/**
 * Fits the top principal subspace of n row vectors (rows of `data`, `dim` wide) by randomized
 * subspace iteration on a sample: each iteration Q <- orth(X^T X Q). It never forms the
 * dim x dim covariance (2048^2 per sample row would dominate the build).
 */
export function fitPcaFloat32(math: MatrixProducts, data: Float32Array, dim: number, options: PcaFloat32Options): Projection {
  const n = data.length / dim;
  const plan = pcaSamplePlan(n, options);
  const sums = new Float64Array(dim);
  for (let i = 0; i < n; i += 1) for (let d = 0, o = i * dim; d < dim; d += 1) sums[d] += data[o + d];
  const sample = new Float32Array(plan.rows.length * dim);
  plan.rows.forEach((row, i) => sample.set(data.subarray(row * dim, (row + 1) * dim), i * dim));
  return fitPcaOnSample(math, { sample, sums, n, dim, plan }, options);
}

/** Which rows the subspace is fitted on, and the random stream the fit goes on with. */
export interface PcaSamplePlan {
  rows: readonly number[];
  random: SeededRandom;
}

export function pcaSamplePlan(n: number, options: PcaFloat32Options): PcaSamplePlan {
  const random = new SeededRandom(`pca/${options.seed ?? 0}`);
  const sampleSize = Math.min(n, options.sampleSize ?? 2000);
  const rows = sampleSize === n ? Array.from({ length: n }, (_, i) => i) : random.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, sampleSize);
  return { rows, random };
}

/**
 * The fit from what one pass over the rows gathers: the per-feature sums of all n rows (in row
 * order) and the plan's rows in the plan's order (centred here, in place). fitPcaFloat32 on the
 * whole matrix and a streamed build that gathers the same give the same projection.
 */
export function fitPcaOnSample(math: MatrixProducts, gathered: { sample: Float32Array; sums: Float64Array; n: number; dim: number; plan: PcaSamplePlan }, options: PcaFloat32Options): Projection {
  const { sample, sums, n, dim, plan } = gathered;
  const p = Math.min(options.outputDimensions, dim);
  const random = plan.random;
  const mean32 = Float32Array.from(sums, (value) => value / n);
  for (let i = 0; i < sample.length; i += dim) for (let d = 0; d < dim; d += 1) sample[i + d] -= mean32[d];

  let basis: Float32Array = new Float32Array(p * dim);
  for (let i = 0; i < basis.length; i += 1) basis[i] = random.next() - 0.5;
  orthonormalize(basis, p, dim);
  for (let iteration = 0; iteration < (options.iterations ?? 4); iteration += 1) {
    // Q <- orth(X^T (X Q)), Q kept as p rows of dim
    const z = math.timesTransposed(sample, dim, basis, p);
    basis = math.transposedTimes(z, p, sample, dim);
    orthonormalize(basis, p, dim);
  }
  return { inputDimensions: dim, outputDimensions: p, mean: mean32, basis };
}

export function identityProjection(dim: number): Projection {
  const basis = new Float32Array(dim * dim);
  for (let i = 0; i < dim; i += 1) basis[i * dim + i] = 1;
  return { inputDimensions: dim, outputDimensions: dim, mean: new Float32Array(dim), basis };
}

export function project(projection: Projection, vector: Float32Array, vectorOffset = 0, out = new Float32Array(projection.outputDimensions)): Float32Array {
  const { inputDimensions: dim, outputDimensions: p, mean, basis } = projection;
  const centred = new Float32Array(dim);
  for (let d = 0; d < dim; d += 1) centred[d] = vector[vectorOffset + d] - mean[d];
  for (let j = 0; j < p; j += 1) out[j] = dot(centred, basis, j * dim, dim);
  return out;
}

/** Projects every row of `data` at once: [n x outputDimensions]. */
export function projectAll(math: MatrixProducts, projection: Projection, data: Float32Array): Float32Array {
  const { inputDimensions: dim, outputDimensions: p, mean, basis } = projection;
  const projected = math.timesTransposed(data, dim, basis, p);
  // B (x - m) = B x - B m
  const offset = new Float32Array(p);
  for (let j = 0; j < p; j += 1) offset[j] = dot(mean, basis, j * dim, dim);
  for (let i = 0; i < projected.length; i += 1) projected[i] -= offset[i % p];
  return projected;
}

/** Modified Gram-Schmidt on `count` rows of length `dim`, in place; a degenerate row becomes zero. */
function orthonormalize(rows: Float32Array, count: number, dim: number): void {
  for (let j = 0; j < count; j += 1) {
    const row = rows.subarray(j * dim, (j + 1) * dim);
    for (let pass = 0; pass < 2; pass += 1) {
      for (let i = 0; i < j; i += 1) {
        const c = dot(row, rows, i * dim, dim);
        const b = i * dim;
        for (let d = 0; d < dim; d += 1) row[d] -= c * rows[b + d];
      }
    }
    const length = Math.sqrt(dot(row, row));
    if (length > 1e-12) for (let d = 0; d < dim; d += 1) row[d] /= length;
    else row.fill(0);
  }
}
