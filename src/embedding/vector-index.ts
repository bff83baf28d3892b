import { HnswGraph, type HnswParameters } from './hnsw.index';
import type { MatrixMath } from './matrix.adapter';
import { fitPcaFloat32, identityProjection, project, projectAll, type Projection } from '../numeric/pca-float32';
import type { IndexMetric } from '../numeric/distance.metrics';
import { dot, normalized, squaredDistance } from '../numeric/vector';
import { MemoryRows, type VectorRows } from './vector-rows';

export interface VectorIndexParameters {
  /** the graph is built on a PCA projection to this many dimensions (when the vectors have more) */
  projectedDimensions: number;
  hnsw: HnswParameters;
  /** candidates taken from the graph per result wanted, then re-ranked exactly */
  candidatesPerResult: number;
  minCandidates: number;
  /** search-time ef floor */
  efSearch: number;
  /** a filter admitting at most this many vectors is answered by exact search over them */
  exactFilterLimit: number;
}

export const DEFAULT_INDEX_PARAMETERS: VectorIndexParameters = {
  projectedDimensions: 64,
  hnsw: { m: 16, efConstruction: 100, seed: 100 },
  candidatesPerResult: 8,
  minCandidates: 64,
  efSearch: 96,
  exactFilterLimit: 4096,
};

export interface Neighbour {
  label: number;
  /** cosine distance (1 - cos) or euclidean distance, computed exactly on the full vectors */
  distance: number;
}

export interface SearchOptions {
  /** only these labels qualify */
  filter?: ReadonlySet<number>;
  /** these labels never qualify (e.g. the query's own) */
  exclude?: ReadonlySet<number>;
}

/** What an index is made of: enough to write it out and read it back exactly. */
export interface VectorIndexParts {
  metric: IndexMetric;
  dimensions: number;
  labels: Uint32Array;
  /** one row per label; unit length under the cosine metric; a stored index reads them from its file */
  vectors: VectorRows;
  projection: Projection;
  graph: HnswGraph;
  parameters: VectorIndexParameters;
}

/**
 * Nearest-neighbour search over one set of labelled vectors: an HNSW graph on a PCA
 * projection finds candidates, which are re-ranked exactly on the full vectors (read row by
 * row: see vector-rows.ts). Selective filters skip the graph and search the admitted vectors exactly, so a
 * filtered query returns k results whenever k vectors qualify.
 */
export class VectorIndex {
  private readonly rowOf = new Map<number, number>();

  constructor(private readonly parts: VectorIndexParts) {
    parts.labels.forEach((label, row) => this.rowOf.set(label, row));
  }

  static build(math: MatrixMath, metric: IndexMetric, dimensions: number, labels: Uint32Array, raw: Float32Array, parameters: VectorIndexParameters = DEFAULT_INDEX_PARAMETERS): VectorIndex {
    const n = labels.length;
    if (raw.length !== n * dimensions) throw new Error(`expected ${n} x ${dimensions} values, got ${raw.length}`);
    const vectors = metric === 'cosine' ? normalizeRows(raw, dimensions) : sharedCopy(raw);
    const projection =
      dimensions > parameters.projectedDimensions && n > 1 ? fitPcaFloat32(math, vectors, dimensions, { outputDimensions: parameters.projectedDimensions, seed: parameters.hnsw.seed }) : identityProjection(dimensions);
    const p = projection.outputDimensions;
    const projected = p === dimensions ? vectors : projectAll(math, projection, vectors);
    const graph = HnswGraph.create(p, n, parameters.hnsw);
    for (let row = 0; row < n; row += 1) graph.add(projected.subarray(row * p, (row + 1) * p), labels[row]);
    return new VectorIndex({ metric, dimensions, labels, vectors: new MemoryRows(vectors, dimensions), projection, graph, parameters });
  }

  get metric(): IndexMetric {
    return this.parts.metric;
  }

  get dimensions(): number {
    return this.parts.dimensions;
  }

  get count(): number {
    return this.parts.labels.length;
  }

  get internals(): Readonly<VectorIndexParts> {
    return this.parts;
  }

  /** Bytes held in memory: vectors (none once stored), labels, projection, and the graph (estimated). */
  get bytes(): number {
    const { vectors, labels, projection, parameters } = this.parts;
    const graphBytes = labels.length * (projection.outputDimensions * 4 + parameters.hnsw.m * 2 * 4 + 64);
    return vectors.residentBytes + labels.byteLength * 3 + projection.basis.byteLength + graphBytes;
  }

  /** Lets go of the vectors' file; searches after this throw. */
  close(): void {
    this.parts.vectors.close();
  }

  has(label: number): boolean {
    return this.rowOf.has(label);
  }

  /** A copy of the stored vector of a label (unit length under cosine). */
  vectorOf(label: number): Float32Array | undefined {
    const row = this.rowOf.get(label);
    return row === undefined ? undefined : this.parts.vectors.read(row);
  }

  search(query: Float32Array, k: number, options: SearchOptions = {}): Neighbour[] {
    if (query.length !== this.dimensions) throw new Error(`query has ${query.length} dimensions, the index ${this.dimensions}`);
    const q = this.metric === 'cosine' ? normalized(query) : query;
    const { filter, exclude } = options;
    const admitted = filter ? [...filter].filter((label) => this.rowOf.has(label) && !exclude?.has(label)) : undefined;
    if (admitted && (admitted.length <= Math.max(k, this.parts.parameters.exactFilterLimit) || admitted.length < this.count / 20)) {
      return this.exactRows(q, k, admitted.map((label) => this.rowOf.get(label)!));
    }
    const wanted = k + (exclude?.size ?? 0);
    const { candidatesPerResult, minCandidates, efSearch } = this.parts.parameters;
    const candidates = Math.min(this.count, Math.max(minCandidates, wanted * candidatesPerResult));
    const accept = filter || exclude ? (label: number) => (!filter || filter.has(label)) && !exclude?.has(label) : undefined;
    const hits = this.parts.graph.search(project(this.parts.projection, q), candidates, Math.max(efSearch, candidates), accept);
    const rows = hits.map((hit) => this.rowOf.get(hit.label)!).filter((row) => row !== undefined);
    const found = this.exactRows(q, k, rows);
    if (found.length < k && admitted) return this.exactRows(q, k, admitted.map((label) => this.rowOf.get(label)!));
    if (found.length < k && !filter && this.count - (exclude?.size ?? 0) > found.length) return this.exact(query, k, options);
    return found;
  }

  /** Brute force over every vector (or those the options admit): the ground truth. */
  exact(query: Float32Array, k: number, options: SearchOptions = {}): Neighbour[] {
    const q = this.metric === 'cosine' ? normalized(query) : query;
    const rows: number[] = [];
    this.parts.labels.forEach((label, row) => {
      if ((!options.filter || options.filter.has(label)) && !options.exclude?.has(label)) rows.push(row);
    });
    return this.exactRows(q, k, rows);
  }

  private exactRows(q: Float32Array, k: number, rows: readonly number[]): Neighbour[] {
    const { vectors, labels } = this.parts;
    const scratch = new Float32Array(this.dimensions);
    const scored = rows.map((row) => {
      const vector = vectors.read(row, scratch);
      return { row, score: this.metric === 'cosine' ? 1 - dot(q, vector) : squaredDistance(q, vector) };
    });
    scored.sort((a, b) => a.score - b.score || labels[a.row] - labels[b.row]);
    return scored.slice(0, k).map(({ row, score }) => ({ label: labels[row], distance: this.metric === 'cosine' ? Math.max(0, score) : Math.sqrt(score) }));
  }
}

/**
 * A copy in shared memory: search threads (SearchWorkerPool) read an index's vectors in place
 * instead of each holding a copy of the largest part of the index.
 */
export function sharedCopy(source: Float32Array): Float32Array {
  const out = new Float32Array(new SharedArrayBuffer(source.byteLength));
  out.set(source);
  return out;
}

/** Unit-length rows (a zero row stays zero), in shared memory. */
export function normalizeRows(raw: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(new SharedArrayBuffer(raw.byteLength));
  for (let o = 0; o < raw.length; o += dim) {
    const n = Math.sqrt(dot(raw.subarray(o, o + dim), raw, o, dim));
    if (n > 0) for (let d = 0; d < dim; d += 1) out[o + d] = raw[o + d] / n;
  }
  return out;
}
