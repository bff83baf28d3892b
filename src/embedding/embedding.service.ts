import type { Logger } from 'pino';
import { readChannelImage } from '../data/channels/channel-image.reader';
import type { EmbeddingRepository, EmbeddingRow } from '../db/repositories/embedding.repository';
import type { ScreenImage } from '../db/repositories/screen-images.query';
import type { RunRepository } from '../db/repositories/run.repository';
import { JobInterruptedError } from '../queue/job-interrupted.error';
import type { CheckpointStore } from '../training/checkpoint.store';
import { REPRESENTATION_DIM } from '../training/networks/encoder';
import type { TrainingConfig } from '../training/training-profiles';
import type { TrainingEnvironment } from '../training/training.service';
import { ByteBudgetCache } from './byte-budget.cache';
import { openTileEncoder } from './encoders/tile-encoder.selector';
import type { InferenceChoice } from './encoders/tile-encoder';
import type { EncoderExportService } from './onnx/encoder-export.service';
import type { ClassicalEmbeddingService } from './classical-embedding.service';
import type { ProfileService } from './profile.service';
import { TileBatchQueue, type EncodedImage } from './tile-batch.queue';
import { tileSettingsOf, type TileSettings } from './tile.plan';
import { aggregateTiles, PIXELS_PER_TILE, renderTiles } from './image-tiles';

export interface EmbedJob {
  signal: AbortSignal;
  logger: Logger;
}

export interface EmbedOutcome {
  status: 'succeeded' | 'skipped';
  images: number;
  tiles: number;
  generation: number;
  profiles: number;
  seconds: number;
  /** what embedded it: 'onnx' or the tfjs backend */
  runtime?: string;
}

export interface EmbeddingOptions extends TrainingEnvironment {
  /** onnxruntime-node, tfjs, or the first of them that loads */
  inference: InferenceChoice;
  /** where onnxruntime is loaded from (tests point it at a module that fails) */
  onnxModule?: string;
  /** tiles per forward pass; default: the runtime's best batch */
  batchTiles?: number;
  /** images written per COPY transaction */
  writeEvery?: number;
  /** images decoded at once */
  decodeConcurrency?: number;
}

const SOURCE_IMAGES_PER_STEP = 32;

/**
 * Embeds a trained run's screen: every image through the run's final encoder, a tile at a
 * time (see tile.plan.ts), written to Postgres in COPY chunks that replace the images' rows as
 * they are made (no vector is kept), then the run's profiles, computed from Postgres. Safe to run twice and safe to kill: a rerun rewrites every image,
 * and the primary key (run, image) keeps one row per image.
 */
export class EmbeddingService {
  private readonly tileInputs: TileInputCache = new ByteBudgetCache(TILE_INPUT_CACHE_BYTES);

  constructor(
    private readonly runs: RunRepository,
    private readonly embeddings: EmbeddingRepository,
    private readonly profiles: ProfileService,
    private readonly checkpoints: CheckpointStore,
    private readonly exports: EncoderExportService,
    private readonly classical: ClassicalEmbeddingService,
    private readonly options: EmbeddingOptions,
  ) {}

  async embedRun(runId: string, job: EmbedJob): Promise<EmbedOutcome> {
    const started = performance.now();
    const run = await this.runs.byId(runId);
    if (!run || run.status !== 'succeeded') return { status: 'skipped', images: 0, tiles: 0, generation: 0, profiles: 0, seconds: 0 };
    // hand-crafted features: no encoder, no tiles
    if (run.setup?.baseline === 'classical') return this.classical.embedRun(run, job);
    const checkpoint = await this.checkpoints.load(runId, 'best');
    if (!checkpoint) throw new Error(`run ${runId} succeeded but has no checkpoint to embed with`);
    const encoder = await openTileEncoder(this.exports.sourceOf(run, checkpoint), { ...this.options, warn: (message) => job.logger.warn({ run: runId }, message) });
    // one COPY in flight while the next tiles are encoded: Postgres works on the other core
    let writing: Promise<void> = Promise.resolve();
    try {
      const tiles = tileSettingsOf((run.config as Partial<TrainingConfig>).embedTileSize);
      const shape = await this.embeddings.screenShape(run.screenId);
      const imageCount = shape.images;
      const channels = shape.channels.length;
      await this.embeddings.begin(runId, REPRESENTATION_DIM, { ...tiles, epoch: checkpoint.epoch, runtime: encoder.runtime });
      const queue = new TileBatchQueue(this.options.batchTiles ?? encoder.batchTiles, REPRESENTATION_DIM, PIXELS_PER_TILE * channels);
      const encode = (pixels: Float32Array, count: number) => encoder.encode(pixels, count);
      let embedded = 0;
      let tileCount = 0;
      let pending: EmbeddingRow[] = [];
      const writeEvery = this.options.writeEvery ?? 1024;
      const keep = (done: EncodedImage[]) => {
        for (const { image, rows } of done) {
          const row = { imageId: image.id, vector: aggregateTiles(rows, tiles.aggregation) };
          embedded += 1;
          pending.push(row);
        }
      };
      for await (const step of this.steps(this.embeddings.imagePagesOf(run.screenId), tiles)) {
        if (job.signal.aborted) throw new JobInterruptedError('run.embed');
        queue.push(step.images, step.offsets, step.pixels);
        keep(await queue.drain(encode, false));
        tileCount += step.tiles;
        if (pending.length >= writeEvery) {
          await writing;
          writing = this.embeddings.write(runId, pending);
          // its failure is thrown where it is awaited; until then it must not count as unhandled
          writing.catch(() => undefined);
          pending = [];
          job.logger.debug({ run: runId, embedded, of: imageCount }, 'embedding');
        }
      }
      keep(await queue.drain(encode, true));
      if (job.signal.aborted) throw new JobInterruptedError('run.embed');
      await writing;
      await this.embeddings.write(runId, pending);
      // profiles before the new generation is published: an index built for it sees both
      const profiles = await this.profiles.rebuild(runId);
      const generation = await this.embeddings.complete(runId, run.screenId);
      await this.runs.setEmbeddingRuntime(runId, encoder.runtime);
      return { status: 'succeeded', images: embedded, tiles: tileCount, generation, profiles, seconds: (performance.now() - started) / 1000, runtime: encoder.runtime };
    } finally {
      // an interrupted job returns only when its last COPY has landed or failed: a retry must not race it
      await writing.catch(() => undefined);
      await encoder.dispose();
    }
  }

  /**
   * Image tiles a step at a time; the next step is decoded while the current one is encoded.
   * The images come a page at a time, so the job holds a page and two steps, not the screen.
   */
  private async *steps(pages: AsyncIterable<ScreenImage[]>, tiles: TileSettings): AsyncGenerator<TileStep> {
    const per = this.options.batchTiles ? Math.max(1, Math.floor(this.options.batchTiles / 4)) : SOURCE_IMAGES_PER_STEP;
    const concurrency = this.options.decodeConcurrency ?? 4;
    let next: Promise<TileStep> | undefined;
    for await (const group of inGroupsOf(pages, per)) {
      const loading = prepareStep(group, tiles, concurrency, this.tileInputs);
      // a step left behind by an interrupted job must not surface as an unhandled rejection
      loading.catch(() => undefined);
      if (next) yield await next;
      next = loading;
    }
    if (next) yield await next;
  }
}

/** Pages of any size regrouped into groups of `size` (the last one shorter). */
async function* inGroupsOf<T>(pages: AsyncIterable<T[]>, size: number): AsyncGenerator<T[]> {
  let group: T[] = [];
  for await (const page of pages) {
    for (const item of page) {
      group.push(item);
      if (group.length === size) {
        yield group;
        group = [];
      }
    }
  }
  if (group.length > 0) yield group;
}

interface TileStep {
  images: ScreenImage[];
  /** tile t of image i is row offsets[i] + t */
  offsets: number[];
  tiles: number;
  pixels: Float32Array;
}

/**
 * An image's network inputs (its tiles, rendered to 64x64), kept between embed jobs of the
 * same process: every run of a sweep embeds the same images with the same tiles, and
 * decoding and resizing them is a fifth of a whole-image embedding.
 */
export type TileInputCache = ByteBudgetCache<string, Float32Array>;

const TILE_INPUT_CACHE_BYTES = 256 * 1024 * 1024;

async function prepareStep(images: ScreenImage[], settings: TileSettings, concurrency: number, cache: TileInputCache): Promise<TileStep> {
  const inputs: Float32Array[] = new Array(images.length);
  const key = (image: ScreenImage) => `${settings.tileSize}:${image.id}`;
  const missing: Array<{ image: ScreenImage; i: number }> = [];
  images.forEach((image, i) => {
    const cached = cache.get(key(image));
    if (cached) inputs[i] = cached;
    else missing.push({ image, i });
  });
  for (let start = 0; start < missing.length; start += concurrency) {
    const group = missing.slice(start, start + concurrency);
    const decoded = await Promise.all(group.map(({ image }) => readChannelImage('/', image, image.screen)));
    decoded.forEach((grey, g) => {
      const { image, i } = group[g];
      const pixels = renderTiles(grey, settings);
      inputs[i] = pixels;
      cache.set(key(image), pixels, pixels.byteLength);
    });
  }
  const offsets = [0];
  const values = PIXELS_PER_TILE * (images[0]?.screen.channels.length ?? 1);
  for (const input of inputs) offsets.push(offsets[offsets.length - 1] + input.length / values);
  const tiles = offsets[offsets.length - 1];
  const pixels = new Float32Array(tiles * values);
  inputs.forEach((input, i) => pixels.set(input, offsets[i] * values));
  return { images, offsets, tiles, pixels };
}
