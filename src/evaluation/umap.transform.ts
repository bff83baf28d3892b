import { selectRows, type VectorMatrix } from '../numeric/matrix';
import { DEFAULT_EPOCHS, DEFAULT_MIN_DIST, umapProject, type UmapOptions, type UmapOutcome } from './umap.projection';
import { refinePlaced } from './umap.refinement';

/**
 * UMAP of a large cell line: fitted (umapProject, exact neighbours) on the rows `fitRows`,
 * every other row placed as umap-learn's `transform` places it: first at the weighted mean of
 * the 2-D coordinates of its k nearest fitted rows (k = the fit's nNeighbors, exact euclidean
 * search), with UMAP's smooth-kNN membership weights exp(-d / sigma), sigma chosen by
 * bisection so that they sum to log2(k) (the transform's local connectivity is 0, so no
 * distance is subtracted); then moved for a third of the fit's epochs (30 above 10,000 placed
 * points) with the fitted points held still (umap.refinement.ts; umap-js's own transform, which also does this, took
 * minutes for a few thousand points). Cost: rows x fitRows x dim, no n x n matrix.
 */
export function umapFitTransform(x: VectorMatrix, fitRows: readonly number[], options: UmapOptions = {}): UmapOutcome {
  const sample = selectRows(x, fitRows);
  const fitted = umapProject(sample, options);
  if (fitted.status !== 'ok') return fitted;
  const { nNeighbors: k, coordinates } = fitted;
  const outDim = coordinates.dim;
  const data = new Float32Array(x.rows * outDim);
  const fitted0 = new Uint8Array(x.rows);
  fitRows.forEach((row, p) => {
    fitted0[row] = 1;
    data.set(coordinates.data.subarray(p * outDim, (p + 1) * outDim), row * outDim);
  });
  const placed = x.rows - fitRows.length;
  const edges = { heads: new Int32Array(placed * k), tails: new Int32Array(placed * k), weights: new Float64Array(placed * k) };
  const nearest = new Int32Array(k);
  const distances = new Float64Array(k);
  let edge = 0;
  for (let i = 0; i < x.rows; i += 1) {
    if (fitted0[i]) continue;
    nearestFitted(x, i, sample, nearest, distances);
    const memberships = membershipWeights(distances);
    let total = 0;
    for (let j = 0; j < k; j += 1) total += memberships[j];
    for (let c = 0; c < outDim; c += 1) {
      let s = 0;
      for (let j = 0; j < k; j += 1) s += (total > 0 ? memberships[j] / total : 1 / k) * coordinates.data[nearest[j] * outDim + c];
      data[i * outDim + c] = s;
    }
    for (let j = 0; j < k; j += 1, edge += 1) {
      edges.heads[edge] = i;
      edges.tails[edge] = nearest[j];
      edges.weights[edge] = memberships[j];
    }
  }
  refinePlaced(data, coordinates.data, outDim, edges, { epochs: refinementEpochs(placed, options.nEpochs ?? DEFAULT_EPOCHS), minDist: options.minDist ?? DEFAULT_MIN_DIST, seed: `${options.seed ?? 0}:transform` });
  return { status: 'ok', coordinates: { rows: x.rows, dim: outDim, data }, nNeighbors: k };
}

/**
 * A third of the fit's epochs, as umap-learn's transform takes for an explicit epoch count;
 * above 10,000 placed points 30, umap-learn's own default there, which it takes for the same
 * reason: the cost grows with the placed points (a 36,700-image cell line took 26 CPU s of
 * refinement at 66 epochs, measured).
 */
function refinementEpochs(placed: number, fitEpochs: number): number {
  return placed > 10_000 ? Math.min(30, Math.floor(fitEpochs / 3)) : Math.floor(fitEpochs / 3);
}

/**
 * The k nearest rows of `sample` to row i of x, ascending, ties by index (insertion into a
 * sorted k-list). A candidate's sum of squares stops growing once it reaches the k-th distance
 * so far: it can only grow, and at or above it the candidate is dropped anyway, so the
 * neighbours and distances are those of the whole sums (5 times faster on 50-d PCA rows).
 */
function nearestFitted(x: VectorMatrix, i: number, sample: VectorMatrix, nearest: Int32Array, distances: Float64Array): void {
  const { dim } = x;
  const xData = x.data;
  const sampleData = sample.data;
  const k = nearest.length;
  distances.fill(Infinity);
  nearest.fill(-1);
  const offset = i * dim;
  let kth = Infinity;
  for (let j = 0, o = 0; j < sample.rows; j += 1, o += dim) {
    let s = 0;
    for (let t = 0; t < dim; t += 1) {
      const v = xData[offset + t] - sampleData[o + t];
      s += v * v;
      if ((t & 7) === 7 && s >= kth) break;
    }
    if (s >= kth) continue;
    let at = k - 1;
    while (at > 0 && distances[at - 1] > s) {
      distances[at] = distances[at - 1];
      nearest[at] = nearest[at - 1];
      at -= 1;
    }
    distances[at] = s;
    nearest[at] = j;
    kth = distances[k - 1];
  }
  for (let j = 0; j < k; j += 1) distances[j] = Math.sqrt(distances[j]);
}

/** exp(-d / sigma), sigma bisected until they sum to log2(k). */
function membershipWeights(distances: Float64Array): Float64Array {
  const k = distances.length;
  const target = Math.log2(k);
  let low = 0;
  let high = Infinity;
  let sigma = 1;
  const total = (s: number): number => {
    let sum = 0;
    for (let j = 0; j < k; j += 1) sum += Math.exp(-distances[j] / s);
    return sum;
  };
  for (let step = 0; step < 64; step += 1) {
    const sum = total(sigma);
    if (Math.abs(sum - target) < 1e-5) break;
    if (sum > target) {
      high = sigma;
      sigma = (low + high) / 2;
    } else {
      low = sigma;
      sigma = high === Infinity ? sigma * 2 : (low + high) / 2;
    }
  }
  // UMAP's floor on sigma (1e-3 of the mean neighbour distance) keeps the weights finite
  let mean = 0;
  for (let j = 0; j < k; j += 1) mean += distances[j] / k;
  sigma = Math.max(sigma, 1e-3 * mean, Number.MIN_VALUE);
  return distances.map((d) => Math.exp(-d / sigma));
}
