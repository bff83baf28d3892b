import { isUuid } from '../catalog/page-request';
import type { CellLineEntity } from '../db/entities/cell-line.entity';
import type { CompoundEntity } from '../db/entities/compound.entity';
import type { ProfileNormalization } from '../db/entities/profile.entity';
import type { RunEntity } from '../db/entities/run.entity';
import type { EmbeddingRepository } from '../db/repositories/embedding.repository';
import type { ImageInfo, NeighbourRepository } from '../db/repositories/neighbour.repository';
import type { ProfileRepository, StoredProfile } from '../db/repositories/profile.repository';
import type { RunRepository } from '../db/repositories/run.repository';
import { BadUserInputError, NotFoundError } from '../errors/app-errors';
import { DEFAULT_FRESHNESS_MS, RunIndexCache, type IndexKind, type LoadedIndex, type RunIndexOptions } from './run-index.cache';
import type { Neighbour } from './vector-index';
import type { VectorIndexStore } from './vector-index.store';
import type { IndexMetric } from '../numeric/distance.metrics';

export interface NeighbourOptions extends RunIndexOptions {
  /** largest k a query may ask for */
  maxK: number;
}

export interface ImageNeighbour extends Neighbour {
  imageId: number;
}

export interface CompoundNeighbour {
  compound: CompoundEntity;
  cellLine: CellLineEntity;
  concentration: number;
  distance: number;
  /** the compound's mechanism-of-action annotation is the query compound's */
  sharesMoa: boolean;
  profileId: number;
}

export interface ProfileView {
  runId: string;
  compound: CompoundEntity;
  cellLine: CellLineEntity;
  concentration: number;
  normalization: ProfileNormalization;
  imageCount: number;
  vector: Float32Array;
}


/** Nearest neighbours in a run's representation, and the embeddings and profiles they are made of. */
export class NeighbourService {
  private readonly indexes: RunIndexCache;
  private readonly knownRuns = new Map<string, { run: RunEntity; at: number }>();

  constructor(
    private readonly runs: RunRepository,
    private readonly embeddings: EmbeddingRepository,
    private readonly profiles: ProfileRepository,
    private readonly catalog: NeighbourRepository,
    store: VectorIndexStore,
    private readonly options: NeighbourOptions,
  ) {
    this.indexes = new RunIndexCache(embeddings, profiles, store, options);
  }

  /** Bytes the vector indexes loaded in this process hold. */
  loadedIndexBytes(): number {
    return this.indexes.loadedBytes;
  }

  async nearestImages(request: { run: string; image?: string; vector?: number[]; k: number; metric: IndexMetric; filter?: { cellLine?: string; compound?: string; plate?: string } }): Promise<ImageNeighbour[]> {
    this.checkK(request.k);
    const run = await this.run(request.run);
    if ((request.image === undefined) === (request.vector === undefined)) throw new BadUserInputError('give exactly one of image and vector', 'image');
    // the index computes in 32 bits: 1e300 is finite here and Infinity there
    const vector = request.vector ? Float32Array.from(request.vector) : undefined;
    if (vector && !vector.every(Number.isFinite)) throw new BadUserInputError('vector must hold finite numbers within the 32-bit float range (about 3.4e38)', 'vector');
    const loaded = await this.index(run.id, 'images', request.metric);
    // the run's dimension: 2048 for an encoder's embeddings, fewer for the classical baseline's
    if (vector && vector.length !== loaded.index.dimensions) {
      throw new BadUserInputError(`vector must have ${loaded.index.dimensions} dimensions (this run's embeddings), got ${vector.length}`, 'vector');
    }
    let query: Float32Array;
    const exclude = new Set<number>();
    if (request.image !== undefined) {
      const imageId = parseId(request.image);
      const stored = imageId === undefined ? undefined : loaded.index.vectorOf(imageId);
      if (!stored || imageId === undefined) throw new NotFoundError('image', request.image);
      query = stored;
      exclude.add(imageId);
    } else {
      query = vector!;
    }
    let filter: Set<number> | undefined;
    if (request.filter && (request.filter.cellLine || request.filter.compound || request.filter.plate)) {
      const cellLine = request.filter.cellLine ? await this.cellLine(request.filter.cellLine) : undefined;
      const compound = request.filter.compound ? await this.compound(request.filter.compound) : undefined;
      // a plate that names nothing is NOT_FOUND, as an unknown cell line or compound is, not an empty list
      if (request.filter.plate && !(await this.catalog.plateExists(run.screenId, request.filter.plate))) throw new NotFoundError('plate', request.filter.plate);
      filter = new Set(await this.catalog.imageIds(run.screenId, { cellLineId: cellLine?.id, compoundId: compound?.id, plate: request.filter.plate ?? undefined }));
    }
    const hits =
      filter || !this.options.searchPool ? loaded.index.search(query, request.k, { filter, exclude }) : await this.options.searchPool.search(loaded.index, query, request.k, exclude);
    // values finite one by one can still overflow a squared distance or a norm
    if (vector && !hits.every((hit) => Number.isFinite(hit.distance))) throw new BadUserInputError('vector is too large: its distances overflow; scale it down', 'vector');
    return hits.map((hit) => ({ ...hit, imageId: hit.label }));
  }

  async nearestCompounds(request: {
    run: string;
    compound: string;
    cellLine: string;
    concentration?: number;
    k: number;
    metric: IndexMetric;
    normalization: ProfileNormalization;
  }): Promise<CompoundNeighbour[]> {
    this.checkK(request.k);
    const run = await this.run(request.run);
    const [compound, cellLine] = [await this.compound(request.compound), await this.cellLine(request.cellLine)];
    const loaded = await this.index(run.id, `profiles-${request.normalization}`, request.metric);
    const profiles = [...loaded.profiles!.values()];
    const query = pickProfile(profiles, compound, cellLine, request.concentration);
    if (!query) throw new NotFoundError('profile', `${compound.name} in ${cellLine.name}${request.concentration === undefined ? '' : ` at ${request.concentration}`}`);
    // other compounds' profiles in the same cell line
    const candidates = profiles.filter((p) => p.cellLineId === cellLine.id && p.compoundId !== compound.id);
    return this.rankCompounds(loaded, query.vector, candidates, request.k, cellLine, compound.moa);
  }

  /**
   * The k compounds whose treatment profiles in the cell line are nearest to a vector (a new
   * image's embedding): ranked as nearestCompounds ranks them, over every compound of the line.
   * With no query compound, `sharesMoa` is false.
   */
  async nearestCompoundsToVector(request: {
    run: string;
    vector: Float32Array;
    cellLine: string;
    k: number;
    metric: IndexMetric;
    normalization: ProfileNormalization;
  }): Promise<CompoundNeighbour[]> {
    this.checkK(request.k);
    const run = await this.run(request.run);
    const cellLine = await this.cellLine(request.cellLine);
    const loaded = await this.index(run.id, `profiles-${request.normalization}`, request.metric);
    if (request.vector.length !== loaded.index.dimensions) {
      throw new BadUserInputError(`the run's profiles have ${loaded.index.dimensions} dimensions; the query has ${request.vector.length}`, 'vector');
    }
    const candidates = [...loaded.profiles!.values()].filter((p) => p.cellLineId === cellLine.id);
    if (candidates.length === 0) throw new NotFoundError('profiles of cell line', cellLine.name);
    return this.rankCompounds(loaded, request.vector, candidates, request.k, cellLine, null);
  }

  /** The nearest concentration of each compound counts: candidates are searched deep enough for k compounds. */
  private async rankCompounds(
    loaded: LoadedIndex,
    query: Float32Array,
    candidates: readonly StoredProfile[],
    k: number,
    cellLine: CellLineEntity,
    queryMoa: string | null,
  ): Promise<CompoundNeighbour[]> {
    const concentrations = Math.max(1, ...countBy(candidates, (p) => p.compoundId).values());
    const hits = loaded.index.search(query, k * concentrations, { filter: new Set(candidates.map((p) => p.id)) });
    const seen = new Set<number>();
    const nearest: Array<{ profile: StoredProfile; distance: number }> = [];
    for (const hit of hits) {
      const profile = loaded.profiles!.get(hit.label)!;
      if (seen.has(profile.compoundId)) continue;
      seen.add(profile.compoundId);
      nearest.push({ profile, distance: hit.distance });
      if (nearest.length === k) break;
    }
    const compounds = new Map((await this.catalog.compoundsById([...seen])).map((c) => [c.id, c]));
    return nearest.map(({ profile, distance }) => {
      const other = compounds.get(profile.compoundId)!;
      return {
        compound: other,
        cellLine,
        concentration: profile.concentration,
        distance,
        sharesMoa: queryMoa !== null && other.moa !== null && queryMoa.toLowerCase() === other.moa.toLowerCase(),
        profileId: profile.id,
      };
    });
  }

  async embedding(runId: string, image: string): Promise<{ runId: string; imageId: number; vector: Float32Array }> {
    const run = await this.run(runId);
    const imageId = parseId(image);
    const vector = imageId === undefined ? undefined : await this.embeddings.vectorOf(run.id, imageId);
    if (!vector || imageId === undefined) throw new NotFoundError('embedding of image', image);
    return { runId: run.id, imageId, vector };
  }

  async profile(request: { run: string; compound: string; cellLine: string; concentration?: number; normalization: ProfileNormalization }): Promise<ProfileView> {
    const run = await this.run(request.run);
    const [compound, cellLine] = [await this.compound(request.compound), await this.cellLine(request.cellLine)];
    const profile = pickProfile(await this.profiles.list(run.id, 'treatment', request.normalization), compound, cellLine, request.concentration);
    if (!profile) throw new NotFoundError('profile', `${compound.name} in ${cellLine.name}${request.concentration === undefined ? '' : ` at ${request.concentration}`}`);
    return { runId: run.id, compound, cellLine, concentration: profile.concentration, normalization: request.normalization, imageCount: profile.imageCount, vector: profile.vector };
  }

  images(ids: readonly number[]): Promise<ImageInfo[]> {
    return this.catalog.images(ids);
  }

  cellLinesById(ids: readonly number[]): Promise<CellLineEntity[]> {
    return this.catalog.cellLinesById(ids);
  }

  compoundsById(ids: readonly number[]): Promise<CompoundEntity[]> {
    return this.catalog.compoundsById(ids);
  }

  /** The run's index of this kind and metric, current with its embeddings (see RunIndexCache). */
  index(runId: string, kind: IndexKind, metric: IndexMetric): Promise<LoadedIndex> {
    return this.indexes.index(runId, kind, metric);
  }

  /** Runs are looked up once per freshness period: a query should not cost a database round trip. */
  private async run(id: string): Promise<RunEntity> {
    const known = this.knownRuns.get(id);
    if (known && Date.now() - known.at < (this.options.freshnessMs ?? DEFAULT_FRESHNESS_MS)) return known.run;
    const run = isUuid(id) ? await this.runs.byId(id) : null;
    if (!run) throw new NotFoundError('run', id);
    if (this.knownRuns.size > 10_000) this.knownRuns.clear();
    this.knownRuns.set(id, { run, at: Date.now() });
    return run;
  }

  private async compound(idOrName: string): Promise<CompoundEntity> {
    const compound = await this.catalog.compound(idOrName);
    if (!compound) throw new NotFoundError('compound', idOrName);
    return compound;
  }

  private async cellLine(idOrName: string): Promise<CellLineEntity> {
    const cellLine = await this.catalog.cellLine(idOrName);
    if (!cellLine) throw new NotFoundError('cell line', idOrName);
    return cellLine;
  }

  checkK(k: number): void {
    if (!Number.isInteger(k) || k < 1 || k > this.options.maxK) throw new BadUserInputError(`k must be an integer from 1 to ${this.options.maxK}, got ${k}`, 'k');
  }
}

/** The compound's profile in the cell line at the concentration, or at its highest when none is given. */
function pickProfile(profiles: readonly StoredProfile[], compound: CompoundEntity, cellLine: CellLineEntity, concentration?: number): StoredProfile | undefined {
  const matching = profiles.filter((p) => p.compoundId === compound.id && p.cellLineId === cellLine.id);
  if (concentration !== undefined) return matching.find((p) => Math.abs(p.concentration - concentration) <= 1e-9 * Math.max(1, Math.abs(concentration)));
  return matching.sort((a, b) => b.concentration - a.concentration)[0];
}

function parseId(raw: string): number | undefined {
  return /^\d{1,10}$/.test(raw) && Number(raw) <= 0xffffffff ? Number(raw) : undefined;
}

function countBy<T>(items: readonly T[], key: (item: T) => number): Map<number, number> {
  const counts = new Map<number, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
