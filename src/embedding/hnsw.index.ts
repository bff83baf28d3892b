import { HierarchicalNSW } from 'hnswlib-node';

export interface HnswParameters {
  /** links per node */
  m: number;
  efConstruction: number;
  seed: number;
}

export interface HnswHit {
  label: number;
  /** squared euclidean distance in the graph's space */
  distance: number;
}

/**
 * The only code that talks to hnswlib-node: an HNSW graph in squared-L2 space with uint32
 * labels. hnswlib takes plain number arrays and searches synchronously; reads and writes of
 * the graph file are async.
 */
export class HnswGraph {
  private constructor(
    private readonly graph: HierarchicalNSW,
    readonly dimensions: number,
  ) {}

  static create(dimensions: number, capacity: number, parameters: HnswParameters): HnswGraph {
    const graph = new HierarchicalNSW('l2', dimensions);
    graph.initIndex(Math.max(1, capacity), parameters.m, parameters.efConstruction, parameters.seed);
    return new HnswGraph(graph, dimensions);
  }

  static async read(file: string, dimensions: number): Promise<HnswGraph> {
    const graph = new HierarchicalNSW('l2', dimensions);
    await graph.readIndex(file);
    return new HnswGraph(graph, dimensions);
  }

  get size(): number {
    return this.graph.getCurrentCount();
  }

  add(point: ArrayLike<number>, label: number): void {
    this.graph.addPoint(Array.from(point), label);
  }

  /** Up to k labels nearest to the query; with a filter, only labels it accepts. */
  search(query: ArrayLike<number>, k: number, ef: number, filter?: (label: number) => boolean): HnswHit[] {
    const count = this.size;
    if (count === 0 || k <= 0) return [];
    this.graph.setEf(Math.max(ef, k));
    const result = this.graph.searchKnn(Array.from(query), Math.min(k, count), filter);
    return result.neighbors.map((label, i) => ({ label, distance: result.distances[i] }));
  }

  async write(file: string): Promise<void> {
    await this.graph.writeIndex(file);
  }
}
