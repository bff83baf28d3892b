import type { VectorMatrix } from '../numeric/matrix';

/**
 * Steps 3 and 4 of HDBSCAN* (see hdbscan.clusterer.ts): the minimum spanning tree of the
 * mutual reachability graph, and the single-linkage tree of its edges.
 */
export interface Edge {
  a: number;
  b: number;
  weight: number;
}

export function primMst(distances: Float64Array, core: Float64Array, n: number): Edge[] {
  const inTree = new Uint8Array(n);
  const best = new Float64Array(n).fill(Infinity);
  const from = new Int32Array(n).fill(-1);
  const edges: Edge[] = [];
  let current = 0;
  inTree[0] = 1;
  for (let added = 1; added < n; added += 1) {
    let next = -1;
    let nextWeight = Infinity;
    for (let j = 0; j < n; j += 1) {
      if (inTree[j]) continue;
      const mr = Math.max(distances[current * n + j], core[current], core[j]);
      if (mr < best[j]) {
        best[j] = mr;
        from[j] = current;
      }
      if (best[j] < nextWeight || next === -1) {
        nextWeight = best[j];
        next = j;
      }
    }
    inTree[next] = 1;
    edges.push({ a: from[next], b: next, weight: nextWeight });
    current = next;
  }
  return edges;
}

/** Rows [left, right, distance, size] for merged nodes n .. 2n-2. */
export interface LinkageRow {
  left: number;
  right: number;
  distance: number;
  size: number;
}

export function singleLinkage(mst: Edge[], n: number): LinkageRow[] {
  const sorted = [...mst].sort((x, y) => x.weight - y.weight); // stable, like the library's argsort of a nearly sorted list
  const parent = new Int32Array(2 * n - 1).fill(-1);
  const size = new Int32Array(2 * n - 1).fill(1);
  const find = (x: number): number => {
    let root = x;
    while (parent[root] !== -1) root = parent[root];
    while (parent[x] !== -1) {
      const up = parent[x];
      parent[x] = root;
      x = up;
    }
    return root;
  };
  const rows: LinkageRow[] = [];
  sorted.forEach((edge, index) => {
    const left = find(edge.a);
    const right = find(edge.b);
    const node = n + index;
    size[node] = size[left] + size[right];
    parent[left] = node;
    parent[right] = node;
    rows.push({ left, right, distance: edge.weight, size: size[node] });
  });
  return rows;
}

/**
 * primMst on points, each euclidean distance computed when Prim needs it instead of read
 * from an n x n matrix (11 GB at 37,000 points): the same sums in the same order, so the
 * same tree as on euclideanDistanceMatrix (hdbscan.clusterer.ts), in O(n) memory.
 */
export function primMstOfPoints(points: VectorMatrix, core: Float64Array): Edge[] {
  const { rows: n, dim, data } = points;
  const inTree = new Uint8Array(n);
  const best = new Float64Array(n).fill(Infinity);
  const from = new Int32Array(n).fill(-1);
  const edges: Edge[] = [];
  let current = 0;
  inTree[0] = 1;
  for (let added = 1; added < n; added += 1) {
    let next = -1;
    let nextWeight = Infinity;
    const oc = current * dim;
    for (let j = 0; j < n; j += 1) {
      if (inTree[j]) continue;
      const mr = Math.max(pointDistance(data, dim, oc, j * dim), core[current], core[j]);
      if (mr < best[j]) {
        best[j] = mr;
        from[j] = current;
      }
      if (best[j] < nextWeight || next === -1) {
        nextWeight = best[j];
        next = j;
      }
    }
    inTree[next] = 1;
    edges.push({ a: from[next], b: next, weight: nextWeight });
    current = next;
  }
  return edges;
}

/**
 * Each point's distance to its index-th nearest point (index 0: the point itself, at 0), as
 * coreDistances takes it from a sorted matrix row, by keeping the index + 1 smallest
 * distances of the row: O(n) memory.
 */
export function coreDistancesOfPoints(points: VectorMatrix, index: number): Float64Array {
  const { rows: n, dim, data } = points;
  const core = new Float64Array(n);
  const smallest = new Float64Array(index + 1);
  for (let i = 0; i < n; i += 1) {
    smallest.fill(Infinity);
    const oi = i * dim;
    for (let j = 0; j < n; j += 1) {
      const value = j === i ? 0 : pointDistance(data, dim, oi, j * dim);
      if (value >= smallest[index]) continue;
      let at = index;
      while (at > 0 && smallest[at - 1] > value) {
        smallest[at] = smallest[at - 1];
        at -= 1;
      }
      smallest[at] = value;
    }
    core[i] = smallest[index];
  }
  return core;
}

/** Euclidean distance of two rows, summed in row order as euclideanDistanceMatrix does (2-D, the UMAP coordinates, unrolled). */
function pointDistance(data: Float32Array, dim: number, a: number, b: number): number {
  if (dim === 2) {
    const d0 = data[a] - data[b];
    const d1 = data[a + 1] - data[b + 1];
    return Math.sqrt(d0 * d0 + d1 * d1);
  }
  let s = 0;
  for (let k = 0; k < dim; k += 1) {
    const d = data[a + k] - data[b + k];
    s += d * d;
  }
  return Math.sqrt(s);
}
