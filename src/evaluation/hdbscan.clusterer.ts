import type { VectorMatrix } from '../numeric/matrix';
import { planarMst } from './planar-mst';
import { coreDistancesOfPoints, primMst, primMstOfPoints, singleLinkage, type Edge, type LinkageRow } from './single-linkage.tree';

/**
 * HDBSCAN* (Campello, Moulavi & Sander 2013) as the `hdbscan` Python library computes it
 * (McInnes, Healy & Astels), so clusterings are comparable to the reference study's:
 *   1. core distance of a point: distance to its min_samples-th nearest neighbour. The
 *      library's docstring says min_samples "includes the point itself", but its code
 *      queries k = min_samples + 1 neighbours including the point (and the generic path
 *      takes np.partition(D, min_samples)[min_samples]): the point itself is NOT
 *      counted. That is the default here ('hdbscan'); 'sklearn' follows
 *      sklearn.cluster.HDBSCAN, which does count the point (k - 1 other neighbours).
 *      With min_samples = 1 the two agree on the clustering: the core distance is 0 or
 *      the nearest-neighbour distance, both <= every distance from the point, so the
 *      mutual reachability below is the plain distance and HDBSCAN runs on single linkage.
 *      As in the library, min_samples is clamped to n - 1 (and at least 1).
 *   2. mutual reachability d_mr(a, b) = max(core(a), core(b), d(a, b)) (alpha = 1).
 *   3. minimum spanning tree of the complete d_mr graph by Prim in O(n^2) time, O(n)
 *      memory beyond the distance matrix: fine for the ~300 points per cell line.
 *   4. single-linkage tree from the MST edges sorted by weight (union-find; node ids
 *      n, n+1, ... in merge order, as scipy's linkage).
 *   5. condensed tree: from the root down, a split where both sides have at least
 *      min_cluster_size points makes two new clusters; a side smaller than that "falls
 *      out" point by point at lambda = 1 / distance; the larger side keeps the label.
 *   6. stability of a cluster: sum over its children of (lambda_child - lambda_birth) * size.
 *   7. excess-of-mass selection bottom-up: a cluster is kept unless its children's total
 *      stability is larger; the root is never selected unless allowSingleCluster.
 *   8. labels: a point belongs to the selected cluster above it in the condensed tree,
 *      otherwise it is noise (-1); clusters are numbered in the order of their ids.
 *   9. probabilities (library's definition): lambda at which the point left its cluster's
 *      subtree over the largest lambda among the cluster's direct children, capped at 1.
 */
export interface HdbscanOptions {
  /** smallest group counted as a cluster (>= 2) */
  minClusterSize: number;
  /** defaults to minClusterSize, as in the library; the reference study used 1 */
  minSamples?: number;
  allowSingleCluster?: boolean;
  coreDistanceConvention?: 'hdbscan' | 'sklearn';
}

export interface CondensedTreeRow {
  parent: number;
  child: number;
  lambda: number;
  size: number;
}

export interface HdbscanResult {
  /** cluster index per point, -1 for noise */
  labels: Int32Array;
  /** membership strength per point, 0 for noise */
  probabilities: Float64Array;
  clusterCount: number;
  noiseCount: number;
  /** stability of each selected cluster, indexed by label */
  stabilities: number[];
  condensedTree: CondensedTreeRow[];
}

/** Euclidean HDBSCAN on row vectors (2-D UMAP coordinates in the evaluation). */
export function hdbscan(points: VectorMatrix, options: HdbscanOptions): HdbscanResult {
  return hdbscanFromDistances(euclideanDistanceMatrix(points), points.rows, options);
}

/** HDBSCAN on a dense symmetric n x n distance matrix (row-major). */
export function hdbscanFromDistances(distances: Float64Array, n: number, options: HdbscanOptions): HdbscanResult {
  const minClusterSize = Math.floor(options.minClusterSize);
  if (!(minClusterSize >= 2)) throw new RangeError(`minClusterSize must be at least 2, got ${options.minClusterSize}`);
  const requested = Math.floor(options.minSamples ?? minClusterSize);
  if (!(requested >= 1)) throw new RangeError(`minSamples must be at least 1, got ${options.minSamples}`);
  if (distances.length !== n * n) throw new RangeError(`distance matrix has ${distances.length} entries, expected ${n * n}`);
  const allowSingleCluster = options.allowSingleCluster ?? false;
  if (n < 2) return emptyResult(n);

  const linkage = singleLinkageTree(distances, n, requested, options.coreDistanceConvention ?? 'hdbscan');
  return clusterSingleLinkage(linkage, n, minClusterSize, allowSingleCluster);
}

/**
 * One clustering per min_cluster_size. With a fixed min_samples (the study's 1) the
 * mutual-reachability tree does not depend on min_cluster_size, so it is built once and
 * only the cheap condense/select steps run per value. The tree is built from the points
 * (O(n) memory, the same tree as from the distance matrix), so a 37,000-image cell line fits.
 */
export function hdbscanSweep(points: VectorMatrix, minClusterSizes: readonly number[], options: Omit<HdbscanOptions, 'minClusterSize'> & { minSamples: number }): HdbscanResult[] {
  const n = points.rows;
  for (const size of minClusterSizes) if (!(Math.floor(size) >= 2)) throw new RangeError(`minClusterSize must be at least 2, got ${size}`);
  if (n < 2) return minClusterSizes.map(() => emptyResult(n));
  const linkage = singleLinkage(minimumSpanningTree(points, options.minSamples, options.coreDistanceConvention ?? 'hdbscan'), n);
  return minClusterSizes.map((size) => clusterSingleLinkage(linkage, n, Math.floor(size), options.allowSingleCluster ?? false));
}

/**
 * With min_samples 1 the mutual reachability is the plain distance (see step 1), so the core
 * distances, n^2 distances of their own, are not computed, and 2-D points take the planar
 * tree instead of Prim's (Prim's when repeated points leave the planar one short).
 */
function minimumSpanningTree(points: VectorMatrix, minSamples: number, convention: 'hdbscan' | 'sklearn'): Edge[] {
  if (minSamples > 1) return primMstOfPoints(points, coreDistancesOfPoints(points, coreIndex(points.rows, minSamples, convention)));
  return (points.dim === 2 ? planarMst(points) : undefined) ?? primMstOfPoints(points, new Float64Array(points.rows));
}

function singleLinkageTree(distances: Float64Array, n: number, minSamples: number, convention: 'hdbscan' | 'sklearn'): LinkageRow[] {
  const core = coreDistances(distances, n, minSamples, convention);
  return singleLinkage(primMst(distances, core, n), n);
}

function clusterSingleLinkage(linkage: LinkageRow[], n: number, minClusterSize: number, allowSingleCluster: boolean): HdbscanResult {
  const tree = condenseTree(linkage, n, minClusterSize);
  if (tree.length === 0) return emptyResult(n, tree);
  const stability = computeStability(tree, n);
  const selected = selectClusters(tree, stability, n, allowSingleCluster);
  return labelPoints(tree, selected, stability, n, allowSingleCluster);
}

export function euclideanDistanceMatrix(points: VectorMatrix): Float64Array {
  const { rows: n, dim, data } = points;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = i + 1; j < n; j += 1) {
      let s = 0;
      for (let k = 0; k < dim; k += 1) {
        const d = data[i * dim + k] - data[j * dim + k];
        s += d * d;
      }
      out[i * n + j] = out[j * n + i] = Math.sqrt(s);
    }
  }
  return out;
}

/** The position of the core distance in a row sorted ascending, where index 0 is the point itself (distance 0). */
function coreIndex(n: number, minSamples: number, convention: 'hdbscan' | 'sklearn'): number {
  const clamped = Math.max(1, Math.min(n - 1, minSamples));
  return convention === 'hdbscan' ? clamped : Math.min(n - 1, minSamples) - 1;
}

export function coreDistances(distances: Float64Array, n: number, minSamples: number, convention: 'hdbscan' | 'sklearn'): Float64Array {
  const index = coreIndex(n, minSamples, convention);
  const core = new Float64Array(n);
  const rowBuffer = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) rowBuffer[j] = i === j ? 0 : distances[i * n + j];
    rowBuffer.sort();
    core[i] = rowBuffer[index];
  }
  return core;
}

function condenseTree(linkage: LinkageRow[], n: number, minClusterSize: number): CondensedTreeRow[] {
  const root = 2 * n - 2;
  const relabel = new Int32Array(2 * n - 1);
  const ignore = new Uint8Array(2 * n - 1);
  relabel[root] = n;
  let nextLabel = n + 1;
  const rows: CondensedTreeRow[] = [];
  const sizeOf = (node: number): number => (node < n ? 1 : linkage[node - n].size);
  const fallOut = (node: number, parentLabel: number, lambda: number): void => {
    for (const sub of bfs(linkage, n, node)) {
      if (sub < n) rows.push({ parent: parentLabel, child: sub, lambda, size: 1 });
      ignore[sub] = 1;
    }
  };
  for (const node of bfs(linkage, n, root)) {
    if (ignore[node] || node < n) continue;
    const { left, right, distance } = linkage[node - n];
    const lambda = distance > 0 ? 1 / distance : Infinity;
    const leftCount = sizeOf(left);
    const rightCount = sizeOf(right);
    const label = relabel[node];
    if (leftCount >= minClusterSize && rightCount >= minClusterSize) {
      relabel[left] = nextLabel++;
      rows.push({ parent: label, child: relabel[left], lambda, size: leftCount });
      relabel[right] = nextLabel++;
      rows.push({ parent: label, child: relabel[right], lambda, size: rightCount });
    } else if (leftCount < minClusterSize && rightCount < minClusterSize) {
      fallOut(left, label, lambda);
      fallOut(right, label, lambda);
    } else if (leftCount < minClusterSize) {
      relabel[right] = label;
      fallOut(left, label, lambda);
    } else {
      relabel[left] = label;
      fallOut(right, label, lambda);
    }
  }
  return rows;
}

/** Breadth-first, level by level, as the library's bfs_from_hierarchy. */
function bfs(linkage: LinkageRow[], n: number, start: number): number[] {
  const out: number[] = [];
  let level = [start];
  while (level.length > 0) {
    out.push(...level);
    const next: number[] = [];
    for (const node of level) {
      if (node >= n) {
        const row = linkage[node - n];
        next.push(row.left, row.right);
      }
    }
    level = next;
  }
  return out;
}

function computeStability(tree: CondensedTreeRow[], n: number): Map<number, number> {
  const birth = new Map<number, number>([[n, 0]]);
  for (const row of tree) if (row.size > 1 || row.child >= n) birth.set(row.child, row.lambda);
  const stability = new Map<number, number>();
  for (const row of tree) {
    if (!stability.has(row.parent)) stability.set(row.parent, 0);
    // an infinite lambda (duplicate points) minus an infinite birth would be NaN: no mass there
    const excess = row.lambda - (birth.get(row.parent) ?? 0);
    stability.set(row.parent, (stability.get(row.parent) as number) + (Number.isNaN(excess) ? 0 : excess * row.size));
  }
  return stability;
}

function selectClusters(tree: CondensedTreeRow[], stabilityIn: Map<number, number>, n: number, allowSingleCluster: boolean): Set<number> {
  const stability = new Map(stabilityIn);
  const children = new Map<number, number[]>();
  for (const row of tree) {
    if (row.child < n) continue;
    const list = children.get(row.parent);
    if (list) list.push(row.child);
    else children.set(row.parent, [row.child]);
  }
  const nodes = [...stability.keys()].sort((a, b) => b - a);
  const candidates = allowSingleCluster ? nodes : nodes.filter((node) => node !== n);
  const isCluster = new Map<number, boolean>(candidates.map((node) => [node, true]));
  for (const node of candidates) {
    const kids = children.get(node) ?? [];
    const subtree = kids.reduce((sum, kid) => sum + (stability.get(kid) ?? 0), 0);
    if (subtree > (stability.get(node) as number)) {
      isCluster.set(node, false);
      stability.set(node, subtree);
    } else {
      const stack = [...kids];
      while (stack.length > 0) {
        const sub = stack.pop() as number;
        isCluster.set(sub, false);
        stack.push(...(children.get(sub) ?? []));
      }
    }
  }
  return new Set([...isCluster].filter(([, keep]) => keep).map(([node]) => node));
}

function labelPoints(tree: CondensedTreeRow[], selected: Set<number>, stability: Map<number, number>, n: number, allowSingleCluster: boolean): HdbscanResult {
  const parentOf = new Map<number, number>();
  const pointLambda = new Float64Array(n);
  const deaths = new Map<number, number>();
  let rootMaxLambda = 0;
  for (const row of tree) {
    parentOf.set(row.child, row.parent);
    if (row.child < n) pointLambda[row.child] = row.lambda;
    deaths.set(row.parent, Math.max(deaths.get(row.parent) ?? 0, row.lambda));
    if (row.parent === n) rootMaxLambda = Math.max(rootMaxLambda, row.lambda);
  }
  const ordered = [...selected].sort((a, b) => a - b);
  const labelOf = new Map(ordered.map((cluster, index) => [cluster, index]));
  const labels = new Int32Array(n).fill(-1);
  const probabilities = new Float64Array(n);
  for (let point = 0; point < n; point += 1) {
    let cluster = parentOf.get(point) as number;
    while (!selected.has(cluster) && cluster !== n) cluster = parentOf.get(cluster) as number;
    if (cluster === n && !selected.has(n)) continue;
    if (cluster === n) {
      // the library keeps, in a single root cluster, only points that stay to its densest level
      if (!(allowSingleCluster && selected.size === 1 && pointLambda[point] >= rootMaxLambda)) continue;
    }
    labels[point] = labelOf.get(cluster) as number;
    const maxLambda = deaths.get(cluster) ?? 0;
    probabilities[point] = maxLambda === 0 || !Number.isFinite(pointLambda[point]) ? 1 : Math.min(pointLambda[point], maxLambda) / maxLambda;
  }
  let noiseCount = 0;
  for (let i = 0; i < n; i += 1) if (labels[i] === -1) noiseCount += 1;
  return { labels, probabilities, clusterCount: ordered.length, noiseCount, stabilities: ordered.map((cluster) => stability.get(cluster) ?? 0), condensedTree: tree };
}

function emptyResult(n: number, tree: CondensedTreeRow[] = []): HdbscanResult {
  return { labels: new Int32Array(n).fill(-1), probabilities: new Float64Array(n), clusterCount: 0, noiseCount: n, stabilities: [], condensedTree: tree };
}
