import { undefinedBecause, measured, type Measured } from './undefined-value';
import type { VectorMatrix } from '../numeric/matrix';

/**
 * Cluster-quality indices with sklearn.metrics' definitions (euclidean), computed on the
 * points the caller passes: the clustering evaluator passes the 2-D UMAP coordinates that
 * HDBSCAN clustered, with noise (-1) removed, since noise is not a cluster and sklearn
 * would otherwise score it as one. All three need 2 <= clusters <= samples - 1 (sklearn
 * raises ValueError otherwise): null with the reason here.
 *   silhouette          mean over points of (b - a) / max(a, b); a point alone in its cluster scores 0
 *   Calinski-Harabasz   [B / (k - 1)] / [W / (n - k)]; 1.0 when W = 0 (sklearn)
 *   Davies-Bouldin      mean over clusters of max_j (s_i + s_j) / d(c_i, c_j); 0 when all s or all d are ~0 (sklearn)
 */
export interface ClusterQuality {
  silhouette: Measured;
  calinskiHarabasz: Measured;
  daviesBouldin: Measured;
}

export function clusterQuality(points: VectorMatrix, labels: ArrayLike<number>, options: { excludeNoise?: boolean } = {}): ClusterQuality {
  const { x, y } = options.excludeNoise === false ? { x: points, y: Array.from(labels) } : withoutNoise(points, labels);
  const reason = labelCountProblem(y);
  if (reason) return { silhouette: undefinedBecause(reason), calinskiHarabasz: undefinedBecause(reason), daviesBouldin: undefinedBecause(reason) };
  return { silhouette: silhouetteScore(x, y), calinskiHarabasz: calinskiHarabaszScore(x, y), daviesBouldin: daviesBouldinScore(x, y) };
}

/** The mean silhouette over every point. */
function silhouetteScore(x: VectorMatrix, labels: ArrayLike<number>): Measured {
  const reason = labelCountProblem(labels);
  if (reason) return undefinedBecause(reason);
  const { index, counts } = encode(labels);
  const k = counts.length;
  const n = x.rows;
  const sums = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < n; i += 1) {
    sums.fill(0);
    for (let j = 0; j < n; j += 1) if (j !== i) sums[index[j]] += dist(x, i, j);
    const own = index[i];
    if (counts[own] === 1) continue; // sklearn: 0 for singletons
    const a = sums[own] / (counts[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c += 1) if (c !== own) b = Math.min(b, sums[c] / counts[c]);
    const m = Math.max(a, b);
    total += m > 0 ? (b - a) / m : 0;
  }
  return measured(total / n);
}

function calinskiHarabaszScore(x: VectorMatrix, labels: ArrayLike<number>): Measured {
  const reason = labelCountProblem(labels);
  if (reason) return undefinedBecause(reason);
  const { index, counts } = encode(labels);
  const k = counts.length;
  const n = x.rows;
  const { overall, centroids } = means(x, index, counts);
  let extra = 0;
  for (let c = 0; c < k; c += 1) {
    let s = 0;
    for (let d = 0; d < x.dim; d += 1) s += (centroids[c * x.dim + d] - overall[d]) ** 2;
    extra += counts[c] * s;
  }
  let intra = 0;
  for (let i = 0; i < n; i += 1) for (let d = 0; d < x.dim; d += 1) intra += (x.data[i * x.dim + d] - centroids[index[i] * x.dim + d]) ** 2;
  return measured(intra === 0 ? 1 : (extra * (n - k)) / (intra * (k - 1)));
}

function daviesBouldinScore(x: VectorMatrix, labels: ArrayLike<number>): Measured {
  const reason = labelCountProblem(labels);
  if (reason) return undefinedBecause(reason);
  const { index, counts } = encode(labels);
  const k = counts.length;
  const { centroids } = means(x, index, counts);
  const spread = new Float64Array(k);
  for (let i = 0; i < x.rows; i += 1) {
    let s = 0;
    for (let d = 0; d < x.dim; d += 1) s += (x.data[i * x.dim + d] - centroids[index[i] * x.dim + d]) ** 2;
    spread[index[i]] += Math.sqrt(s);
  }
  for (let c = 0; c < k; c += 1) spread[c] /= counts[c];
  const centroidDistance = (a: number, b: number): number => {
    let s = 0;
    for (let d = 0; d < x.dim; d += 1) s += (centroids[a * x.dim + d] - centroids[b * x.dim + d]) ** 2;
    return Math.sqrt(s);
  };
  // np.allclose(v, 0): every |v| <= 1e-8
  const allSmall = spread.every((s) => Math.abs(s) <= 1e-8);
  let allCentroidsSmall = true;
  for (let a = 0; a < k; a += 1) for (let b = 0; b < k; b += 1) if (centroidDistance(a, b) > 1e-8) allCentroidsSmall = false;
  if (allSmall || allCentroidsSmall) return measured(0);
  let total = 0;
  for (let a = 0; a < k; a += 1) {
    let worst = 0;
    for (let b = 0; b < k; b += 1) {
      if (a === b) continue;
      const d = centroidDistance(a, b);
      // sklearn turns a zero centroid distance into inf and the resulting 0/inf score into 0
      const score = d === 0 ? 0 : (spread[a] + spread[b]) / d;
      if (score > worst) worst = score;
    }
    total += worst;
  }
  return measured(total / k);
}

/**
 * Consistency of compounds within clusters: for each compound, the share of its images
 * that fall in its most common cluster (noise images count in the denominator, never as
 * a cluster), then the unweighted mean over compounds, so a rare compound counts as much
 * as a common one. 1 = every compound is wholly inside one cluster; it does not reward
 * many compounds sharing a cluster (that is similarity, measured elsewhere).
 */
export function compoundConsistency(labels: ArrayLike<number>, compounds: readonly string[]): { value: Measured; perCompound: Record<string, number> } {
  if (labels.length !== compounds.length) throw new RangeError(`${labels.length} labels but ${compounds.length} compounds`);
  const table = new Map<string, Map<number, number>>();
  const totals = new Map<string, number>();
  for (let i = 0; i < labels.length; i += 1) {
    const compound = compounds[i];
    totals.set(compound, (totals.get(compound) ?? 0) + 1);
    if (labels[i] < 0) continue;
    const row = table.get(compound) ?? new Map<number, number>();
    row.set(labels[i], (row.get(labels[i]) ?? 0) + 1);
    table.set(compound, row);
  }
  const perCompound: Record<string, number> = {};
  for (const [compound, total] of [...totals].sort(([a], [b]) => a.localeCompare(b))) {
    const row = table.get(compound);
    perCompound[compound] = row ? Math.max(...row.values()) / total : 0;
  }
  const values = Object.values(perCompound);
  if (values.length === 0) return { value: undefinedBecause('no images'), perCompound };
  return { value: measured(values.reduce((a, b) => a + b, 0) / values.length), perCompound };
}

function labelCountProblem(labels: ArrayLike<number>): string | null {
  const k = new Set(Array.from(labels)).size;
  if (k < 2) return `${k} cluster${k === 1 ? '' : 's'} (outside noise): the index needs at least 2`;
  if (k > labels.length - 1) return `${k} clusters for ${labels.length} points: the index needs at most n - 1 clusters`;
  return null;
}

function withoutNoise(points: VectorMatrix, labels: ArrayLike<number>): { x: VectorMatrix; y: number[] } {
  const keep: number[] = [];
  for (let i = 0; i < labels.length; i += 1) if (labels[i] >= 0) keep.push(i);
  const data = new Float32Array(keep.length * points.dim);
  keep.forEach((from, to) => data.set(points.data.subarray(from * points.dim, (from + 1) * points.dim), to * points.dim));
  return { x: { rows: keep.length, dim: points.dim, data }, y: keep.map((i) => labels[i]) };
}

function encode(labels: ArrayLike<number>): { index: Int32Array; counts: number[] } {
  const ids = new Map<number, number>();
  const index = new Int32Array(labels.length);
  const counts: number[] = [];
  for (let i = 0; i < labels.length; i += 1) {
    let id = ids.get(labels[i]);
    if (id === undefined) {
      id = counts.length;
      ids.set(labels[i], id);
      counts.push(0);
    }
    index[i] = id;
    counts[id] += 1;
  }
  return { index, counts };
}

function means(x: VectorMatrix, index: Int32Array, counts: number[]): { overall: Float64Array; centroids: Float64Array } {
  const overall = new Float64Array(x.dim);
  const centroids = new Float64Array(counts.length * x.dim);
  for (let i = 0; i < x.rows; i += 1) {
    for (let d = 0; d < x.dim; d += 1) {
      overall[d] += x.data[i * x.dim + d];
      centroids[index[i] * x.dim + d] += x.data[i * x.dim + d];
    }
  }
  for (let d = 0; d < x.dim; d += 1) overall[d] /= x.rows;
  counts.forEach((count, c) => {
    for (let d = 0; d < x.dim; d += 1) centroids[c * x.dim + d] /= count;
  });
  return { overall, centroids };
}

function dist(x: VectorMatrix, i: number, j: number): number {
  let s = 0;
  for (let d = 0; d < x.dim; d += 1) {
    const t = x.data[i * x.dim + d] - x.data[j * x.dim + d];
    s += t * t;
  }
  return Math.sqrt(s);
}
