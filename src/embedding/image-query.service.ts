import { isUuid } from '../catalog/page-request';
import { decodeGreyUpload, type GreyImage } from '../data/crops/sharp-image.adapter';
import { UnreadableImageError } from '../data/crops/unreadable-image.error';
import type { ProfileNormalization } from '../db/entities/profile.entity';
import type { RunEntity } from '../db/entities/run.entity';
import type { RunRepository } from '../db/repositories/run.repository';
import { BadUserInputError, NotFoundError } from '../errors/app-errors';
import type { IndexMetric } from '../numeric/distance.metrics';
import type { CheckpointStore } from '../training/checkpoint.store';
import { REPRESENTATION_DIM } from '../training/networks/encoder';
import type { TrainingConfig } from '../training/training-profiles';
import type { EmbeddingOptions } from './embedding.service';
import { openTileEncoder } from './encoders/tile-encoder.selector';
import type { TileEncoder } from './encoders/tile-encoder';
import { aggregateTiles, PIXELS_PER_TILE, renderTiles } from './image-tiles';
import type { CompoundNeighbour, NeighbourService } from './neighbour.service';
import type { EncoderExportService } from './onnx/encoder-export.service';
import { RunEncoderCache } from './run-encoder.cache';
import { tileSettingsOf } from './tile.plan';

/** The decoded image file: 4 MiB (the HTTP body limit, 1 MiB by default, applies first). */
export const MAX_IMAGE_BYTES = 4 * 1024 * 1024;
/** 2048 x 2048: 1,024 tiles of 64x64, a few seconds of encoding on one core. */
export const MAX_IMAGE_PIXELS = 2048 * 2048;
/** encoders kept open between queries */
const OPEN_ENCODERS = 2;

export interface ImageQuery {
  run: string;
  /** base64 of a PNG or TIFF file (a data: URL prefix is accepted) */
  image: string;
  cellLine: string;
  k: number;
  metric: IndexMetric;
  normalization: ProfileNormalization;
}

/**
 * "Which compounds does this new image look like?": the image is decoded and tiled as the
 * run embedded its screen (its embedTileSize), embedded by the run's final encoder, and its
 * embedding ranked against the cell line's treatment profiles as nearestCompounds ranks them.
 */
export class ImageQueryService {
  private readonly encoders = new RunEncoderCache(OPEN_ENCODERS);

  constructor(
    private readonly runs: RunRepository,
    private readonly checkpoints: CheckpointStore,
    private readonly encoderExport: EncoderExportService,
    private readonly neighbours: NeighbourService,
    private readonly options: Pick<EmbeddingOptions, 'inference' | 'threads' | 'backend' | 'onnxModule'>,
  ) {}

  async nearestCompounds(query: ImageQuery): Promise<CompoundNeighbour[]> {
    this.neighbours.checkK(query.k);
    const run = isUuid(query.run) ? await this.runs.byId(query.run) : null;
    if (!run) throw new NotFoundError('run', query.run);
    if (run.setup?.baseline === 'classical') throw new BadUserInputError('a classical-baseline run has hand-crafted features and no encoder to embed an image with', 'run');
    const grey = await decodeUpload(query.image);
    const vector = await this.embed(run, grey);
    return this.neighbours.nearestCompoundsToVector({ run: run.id, vector, cellLine: query.cellLine, k: query.k, metric: query.metric, normalization: query.normalization });
  }

  /** Closes the open encoders (at shutdown). */
  close(): Promise<void> {
    return this.encoders.close();
  }

  private async embed(run: RunEntity, grey: GreyImage): Promise<Float32Array> {
    const settings = tileSettingsOf((run.config as Partial<TrainingConfig>).embedTileSize);
    const pixels = renderTiles(grey, settings);
    const tiles = pixels.length / PIXELS_PER_TILE;
    const rows = await this.encoders.use(run.id, () => this.open(run), async (encoder) => {
      const out: Float32Array[] = [];
      for (let start = 0; start < tiles; start += encoder.batchTiles) {
        const count = Math.min(encoder.batchTiles, tiles - start);
        const encoded = await encoder.encode(pixels.subarray(start * PIXELS_PER_TILE, (start + count) * PIXELS_PER_TILE), count);
        for (let t = 0; t < count; t++) out.push(encoded.subarray(t * REPRESENTATION_DIM, (t + 1) * REPRESENTATION_DIM));
      }
      return out;
    });
    return aggregateTiles(rows, settings.aggregation);
  }

  private async open(run: RunEntity): Promise<TileEncoder> {
    const checkpoint = await this.checkpoints.load(run.id, 'best');
    if (!checkpoint) throw new BadUserInputError(`run ${run.id} has no trained encoder yet (status ${run.status})`, 'run');
    // the API answers on one thread: the encoder gets one too, as a search does
    return openTileEncoder(this.encoderExport.sourceOf(run, checkpoint), { ...this.options, threads: 1, warn: () => undefined });
  }
}

async function decodeUpload(base64: string): Promise<GreyImage> {
  const text = base64.replace(/^data:image\/[a-z+.-]+;base64,/i, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) throw new BadUserInputError('image must be a base64-encoded PNG or TIFF file', 'image');
  const bytes = Math.floor((text.length * 3) / 4) - (text.match(/=+$/)?.[0].length ?? 0);
  if (bytes === 0) throw new BadUserInputError('image is empty', 'image');
  if (bytes > MAX_IMAGE_BYTES) throw new BadUserInputError(`image is ${bytes} bytes; at most ${MAX_IMAGE_BYTES} are accepted`, 'image');
  try {
    return await decodeGreyUpload(Buffer.from(text, 'base64'), { maxPixels: MAX_IMAGE_PIXELS });
  } catch (error) {
    if (error instanceof UnreadableImageError) throw new BadUserInputError(`image: ${error.message}`, 'image');
    throw error;
  }
}
