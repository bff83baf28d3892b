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
