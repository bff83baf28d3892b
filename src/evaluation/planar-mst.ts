import Delaunator from 'delaunator';
import type { VectorMatrix } from '../numeric/matrix';
import type { Edge } from './single-linkage.tree';

/**
 * The euclidean minimum spanning tree of 2-D points in O(n log n): the tree is a subgraph of
 * the Delaunay triangulation (Shamos & Hoey 1975), so Kruskal over the triangulation's ~3n
 * edges finds it, where Prim over the complete graph takes n^2 distances (1.4e9 on a
 * 37,000-image cell line). The weights are summed as primMstOfPoints sums them, so with
 * distinct distances the tree is the same edge for edge. Delaunator leaves out repeated
 * points; the edges then do not span every point, and the answer is undefined: the caller
 * falls back to Prim.
 */
export function planarMst(points: VectorMatrix): Edge[] | undefined {
  const { rows: n, dim, data } = points;
  if (dim !== 2) throw new RangeError(`planarMst takes 2-D points, got ${dim}-D`);
  if (n < 2) return [];
  const triangulation = new Delaunator(Float64Array.from(data));
  const [from, to] = triangulationEdges(triangulation);
  const weights = new Float64Array(from.length);
  for (let e = 0; e < from.length; e += 1) {
    const d0 = data[from[e] * 2] - data[to[e] * 2];
    const d1 = data[from[e] * 2 + 1] - data[to[e] * 2 + 1];
    weights[e] = Math.sqrt(d0 * d0 + d1 * d1);
  }
  const order = Uint32Array.from(weights.keys()).sort((x, y) => weights[x] - weights[y]);
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const root = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  const tree: Edge[] = [];
  for (const e of order) {
    const a = root(from[e]);
    const b = root(to[e]);
    if (a === b) continue;
    parent[a] = b;
    tree.push({ a: from[e], b: to[e], weight: weights[e] });
    if (tree.length === n - 1) return orientedFromFirst(tree, n);
  }
  return undefined;
}

/**
 * Each edge from its end nearer point 0 along the tree, as Prim grown from point 0 gives it:
 * the single-linkage tree takes an edge's first end as the merge's left child, and the
 * clusters' numbering follows.
 */
function orientedFromFirst(tree: Edge[], n: number): Edge[] {
  const degree = new Int32Array(n + 1);
  for (const edge of tree) {
    degree[edge.a + 1] += 1;
    degree[edge.b + 1] += 1;
  }
  for (let i = 0; i < n; i += 1) degree[i + 1] += degree[i];
  const start = degree.slice();
  const neighbours = new Int32Array(2 * tree.length);
  for (const edge of tree) {
    neighbours[start[edge.a]++] = edge.b;
    neighbours[start[edge.b]++] = edge.a;
  }
  const parent = new Int32Array(n).fill(-1);
  parent[0] = 0;
  const queue = new Int32Array(n);
  for (let head = 0, tail = 1; head < tail; head += 1) {
    const at = queue[head];
    for (let k = degree[at]; k < degree[at + 1]; k += 1) {
      const next = neighbours[k];
      if (parent[next] !== -1) continue;
      parent[next] = at;
      queue[tail++] = next;
    }
  }
  return tree.map((edge) => (parent[edge.b] === edge.a ? edge : { a: edge.b, b: edge.a, weight: edge.weight }));
}

/** Each edge of the triangulation once; collinear points have no triangle, only their hull, which is the line in order. */
function triangulationEdges(t: Delaunator<ArrayLike<number>>): [Uint32Array, Uint32Array] {
  if (t.triangles.length === 0) return [t.hull.subarray(0, -1), t.hull.subarray(1)];
  const from: number[] = [];
  const to: number[] = [];
  for (let e = 0; e < t.triangles.length; e += 1) {
    // an inner edge has two half-edges, counted from the larger; a hull edge has one (its twin is -1)
    if (e <= t.halfedges[e]) continue;
    from.push(t.triangles[e]);
    to.push(t.triangles[e % 3 === 2 ? e - 2 : e + 1]);
  }
  return [Uint32Array.from(from), Uint32Array.from(to)];
}
