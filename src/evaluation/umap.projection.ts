import { UMAP } from 'umap-js';
import { SeededRandom } from '../util/seeded-random';
import type { VectorMatrix } from '../numeric/matrix';

/**
 * 2-D UMAP through umap-js, reproducible: its randomness (embedding initialisation and
 * negative sampling) draws from a SeededRandom, and the k-nearest-neighbour graph is
 * computed exactly here and handed over with setPrecomputedKNN, replacing umap-js's
 * randomised NN-descent (exact and cheap at a few hundred points of PCA-reduced data).
 * Each point's own index is its first neighbour at distance 0, as umap-learn's graph
 * expects. The epoch count is explicit (umap-js would pick 500 below 2,500 points):
 * 200 is umap-learn's choice for large data and keeps a ~300-point cell line in well
 * under a second.
 */
export interface UmapOptions {
  nNeighbors?: number;
  minDist?: number;
  nEpochs?: number;
  nComponents?: number;
  seed?: number | string;
}

export type UmapOutcome = { status: 'ok'; coordinates: VectorMatrix; nNeighbors: number } | { status: 'undefined'; reason: string };

export const MIN_UMAP_POINTS = 4;
export const DEFAULT_EPOCHS = 200;
export const DEFAULT_MIN_DIST = 0.1;

export function umapProject(x: VectorMatrix, options: UmapOptions = {}): UmapOutcome {
  const n = x.rows;
  if (n < MIN_UMAP_POINTS) return { status: 'undefined', reason: `${n} points: UMAP needs at least ${MIN_UMAP_POINTS}` };
  // umap-js requires more points than neighbours
  const nNeighbors = Math.max(2, Math.min(options.nNeighbors ?? 15, n - 1));
  const random = new SeededRandom(options.seed ?? 0);
  const umap = new UMAP({
    nComponents: options.nComponents ?? 2,
    nNeighbors,
    minDist: options.minDist ?? DEFAULT_MIN_DIST,
    nEpochs: options.nEpochs ?? DEFAULT_EPOCHS,
    random: () => random.next(),
  });
  const { indices, distances } = exactNeighbours(x, nNeighbors);
  umap.setPrecomputedKNN(indices, distances);
  const rows: number[][] = [];
  for (let i = 0; i < n; i += 1) rows.push(Array.from(x.data.subarray(i * x.dim, (i + 1) * x.dim)));
  const embedding = umap.fit(rows);
  const dim = embedding[0]?.length ?? 0;
  const data = new Float32Array(n * dim);
  embedding.forEach((point, i) => data.set(point, i * dim));
  for (let i = 0; i < data.length; i += 1) if (!Number.isFinite(data[i])) return { status: 'undefined', reason: 'UMAP produced non-finite coordinates' };
  return { status: 'ok', coordinates: { rows: n, dim, data }, nNeighbors };
}

/** k nearest neighbours (self first) by euclidean distance, ties by index. */
export function exactNeighbours(x: VectorMatrix, k: number): { indices: number[][]; distances: number[][] } {
  const { rows: n, dim, data } = x;
  const d2 = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = i + 1; j < n; j += 1) {
      let s = 0;
      for (let t = 0; t < dim; t += 1) {
        const v = data[i * dim + t] - data[j * dim + t];
        s += v * v;
      }
      d2[i * n + j] = d2[j * n + i] = s;
    }
  }
  const indices: number[][] = [];
  const distances: number[][] = [];
  const order = new Int32Array(n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) order[j] = j;
    const rowOffset = i * n;
    const sorted = Array.from(order).sort((a, b) => (a === i ? -1 : b === i ? 1 : d2[rowOffset + a] - d2[rowOffset + b] || a - b));
    const nearest = sorted.slice(0, k);
    indices.push(nearest);
    distances.push(nearest.map((j) => (j === i ? 0 : Math.sqrt(d2[rowOffset + j]))));
  }
  return { indices, distances };
}
