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
import type { VectorIndexStore } from './vector-index.store';
import type { IndexMetric } from '../numeric/distance.metrics';

export type IndexKind = 'images' | `profiles-${ProfileNormalization}`;

/** How long a loaded index (or a looked-up run) is trusted before it is checked again. */
export const DEFAULT_FRESHNESS_MS = 5000;

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
      options.searchPool?.detach(loaded.index);
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
    if (previous && previous.index !== loaded.index) this.options.searchPool?.detach(previous.index);
    this.cache.set(key, loaded, loaded.index.bytes);
  }

  private async build(runId: string, kind: IndexKind, metric: IndexMetric, generation: number): Promise<LoadedIndex> {
    const math = await (this.math ??= MatrixMath.create());
    let rows: Array<{ label: number; vector: Float32Array }>;
    let profiles: Map<number, StoredProfile> | undefined;
    if (kind === 'images') {
      rows = [];
      for await (const page of this.embeddings.stream(runId)) rows.push(...page.map((row) => ({ label: row.imageId, vector: row.vector })));
    } else {
      profiles = await this.profileMap(runId, kind);
      rows = [...profiles.values()].map((p) => ({ label: p.id, vector: p.vector }));
    }
    const labels = Uint32Array.from(rows, (row) => row.label);
    // the run's own dimension: 2048 for an encoder, CLASSICAL_FEATURES.length for the classical baseline
    const dimensions = rows[0]?.vector.length ?? REPRESENTATION_DIM;
    const vectors = new Float32Array(rows.length * dimensions);
    rows.forEach((row, i) => vectors.set(row.vector, i * dimensions));
    const index = VectorIndex.build(math, metric, dimensions, labels, vectors, this.options.parameters ?? DEFAULT_INDEX_PARAMETERS);
    await this.store.save(index, { run: runId, kind, generation });
    return { index, generation, checkedAt: Date.now(), profiles };
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
