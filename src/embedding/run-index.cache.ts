import type { Logger } from 'pino';
import type { ProfileNormalization } from '../db/entities/profile.entity';
import type { EmbeddingRepository } from '../db/repositories/embedding.repository';
import type { ProfileRepository, StoredProfile } from '../db/repositories/profile.repository';
import { NotFoundError } from '../errors/app-errors';
import { REPRESENTATION_DIM } from '../training/networks/encoder';
import { ByteBudgetCache } from './byte-budget.cache';
import { MatrixMath } from './matrix.adapter';
import type { SearchWorkerPool } from './search-worker.pool';
import { DEFAULT_INDEX_PARAMETERS, VectorIndex, type VectorIndexParameters } from './vector-index';
import { buildIndexFromPages, type VectorPage } from './vector-index.builder';
import type { VectorIndexStore } from './vector-index.store';
import type { IndexMetric } from '../numeric/distance.metrics';

export type IndexKind = 'images' | `profiles-${ProfileNormalization}`;

/** How long a loaded index (or a looked-up run) is trusted before it is checked again. */
export const DEFAULT_FRESHNESS_MS = 5000;

const PAGE_ROWS = 4096;
const RETIRE_GRACE_MS = 60_000;

export interface RunIndexOptions {
  /** memory the loaded indexes may hold together; least recently used out first */
  memoryBudgetBytes: number;
  /** how long a loaded index is trusted before its generation is checked again */
  freshnessMs?: number;
  parameters?: VectorIndexParameters;
  /** threads for unfiltered image searches; an evicted index is detached from them */
  searchPool?: SearchWorkerPool;
  logger?: Logger;
}

export interface LoadedIndex {
  index: VectorIndex;
  generation: number;
  checkedAt: number;
  /** profile indexes: the profiles by id, for metadata */
  profiles?: Map<number, StoredProfile>;
}

/**
 * Runs' vector indexes, loaded lazily (from the data dir, or rebuilt from Postgres when missing,
 * stale or corrupt) into a memory-bounded LRU.
 */
export class RunIndexCache {
  private readonly cache: ByteBudgetCache<string, LoadedIndex>;
  private readonly loading = new Map<string, Promise<LoadedIndex>>();
  private math?: Promise<MatrixMath>;

  constructor(
    private readonly embeddings: EmbeddingRepository,
    private readonly profiles: ProfileRepository,
    private readonly store: VectorIndexStore,
    private readonly options: RunIndexOptions,
  ) {
    this.cache = new ByteBudgetCache(options.memoryBudgetBytes, (key, loaded) => {
      this.retire(loaded.index);
      options.logger?.debug({ index: key }, 'vector index evicted');
    });
  }

  /** Bytes the loaded indexes hold. */
  get loadedBytes(): number {
    return this.cache.bytes;
  }

  /**
   * The run's index of this kind and metric, current with its embeddings: from memory, else
   * from the data dir, else rebuilt from Postgres and stored. Concurrent callers share one load.
   */
  async index(runId: string, kind: IndexKind, metric: IndexMetric): Promise<LoadedIndex> {
    const key = `${runId}/${kind}/${metric}`;
    const cached = this.cache.get(key);
    const freshness = this.options.freshnessMs ?? DEFAULT_FRESHNESS_MS;
    if (cached && Date.now() - cached.checkedAt < freshness) return cached;
    const inFlight = this.loading.get(key);
    if (inFlight) return inFlight;
    const load = this.loadIndex(key, runId, kind, metric, cached).finally(() => this.loading.delete(key));
    this.loading.set(key, load);
    return load;
  }

  private async loadIndex(key: string, runId: string, kind: IndexKind, metric: IndexMetric, cached: LoadedIndex | undefined): Promise<LoadedIndex> {
    const generation = await this.generation(runId);
    if (cached && cached.generation === generation) {
      cached.checkedAt = Date.now();
      return cached;
    }
    const stored = await this.store.load(runId, kind, metric);
    let loaded: LoadedIndex;
    if (stored.status === 'loaded' && stored.manifest.generation === generation) {
      loaded = { index: stored.index, generation, checkedAt: Date.now(), profiles: kind === 'images' ? undefined : await this.profileMap(runId, kind) };
      if (loaded.profiles && [...loaded.profiles.keys()].some((id) => !stored.index.has(id))) loaded = await this.build(runId, kind, metric, generation);
    } else {
      const reason = stored.status === 'loaded' ? 'stale' : stored.status === 'corrupt' ? `corrupt: ${stored.reason}` : 'missing';
      this.options.logger?.info({ run: runId, kind, metric, reason }, 'rebuilding vector index from Postgres');
      loaded = await this.build(runId, kind, metric, generation);
    }
    this.remember(key, loaded);
    return loaded;
  }

  private remember(key: string, loaded: LoadedIndex): void {
    const previous = this.cache.peek(key);
    if (previous && previous.index !== loaded.index) this.retire(previous.index);
    this.cache.set(key, loaded, loaded.index.bytes);
  }

  /**
   * Image indexes are built from Postgres a page at a time into their vectors file, which the
   * stored index then re-ranks from (vector-index.builder.ts); profile indexes (a run's
   * treatments, a few thousand vectors) in memory.
   */
  private async build(runId: string, kind: IndexKind, metric: IndexMetric, generation: number): Promise<LoadedIndex> {
    const math = await (this.math ??= MatrixMath.create());
    const parameters = this.options.parameters ?? DEFAULT_INDEX_PARAMETERS;
    if (kind === 'images') {
      const set = (await this.embeddings.set(runId))!;
      // the rows there are now (a re-embed may be replacing them), not the set's last count
      const count = await this.embeddings.count(runId);
      const file = await this.store.buildFile(runId, kind, metric);
      try {
        // the run's own dimension: 2048 for an encoder, CLASSICAL_FEATURES.length for the classical baseline
        const index = await buildIndexFromPages(math, metric, set.dimensions, count, () => this.pagesOf(runId, set.dimensions), file, parameters);
        await this.store.save(index, { run: runId, kind, generation });
        return { index, generation, checkedAt: Date.now() };
      } finally {
        await this.store.removeBuildFile(file);
      }
    }
    const profiles = await this.profileMap(runId, kind);
    const rows = [...profiles.values()];
    const dimensions = rows[0]?.vector.length ?? REPRESENTATION_DIM;
    const vectors = new Float32Array(rows.length * dimensions);
    rows.forEach((row, i) => vectors.set(row.vector, i * dimensions));
    const index = VectorIndex.build(math, metric, dimensions, Uint32Array.from(rows, (row) => row.id), vectors, parameters);
    await this.store.save(index, { run: runId, kind, generation });
    return { index, generation, checkedAt: Date.now(), profiles };
  }

  /** Pages of PAGE_ROWS rows, MatrixMath's chunk: the projection then equals the in-memory build's. */
  private async *pagesOf(runId: string, dimensions: number): AsyncGenerator<VectorPage> {
    for await (const rows of this.embeddings.stream(runId, PAGE_ROWS)) {
      const vectors = new Float32Array(rows.length * dimensions);
      rows.forEach((row, i) => vectors.set(row.vector, i * dimensions));
      yield { labels: rows.map((row) => row.imageId), vectors };
    }
  }

  /**
   * Off the threads now; the vectors' file a little later: a search that took the index from
   * the cache just before may still be reading it.
   */
  private retire(index: VectorIndex): void {
    this.options.searchPool?.detach(index);
    setTimeout(() => index.close(), RETIRE_GRACE_MS).unref();
  }

  private async profileMap(runId: string, kind: IndexKind): Promise<Map<number, StoredProfile>> {
    const normalization = kind.slice('profiles-'.length) as ProfileNormalization;
    return new Map((await this.profiles.list(runId, 'treatment', normalization)).map((p) => [p.id, p]));
  }

  private async generation(runId: string): Promise<number> {
    const set = await this.embeddings.set(runId);
    if (!set || set.generation === 0) throw new NotFoundError('embeddings of run', runId);
    return set.generation;
  }
}
