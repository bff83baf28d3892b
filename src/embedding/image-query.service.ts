import { isUuid } from '../catalog/page-request';
import type { ChannelImage } from '../data/channels/channel-image';
import { normalisePlanes, type ChannelNormalisation, type ChannelRange } from '../data/channels/channel-normalisation';
import { decodeGreyUpload, decodePlanesUpload } from '../data/crops/sharp-image.adapter';
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
  /** base64 of a PNG or TIFF file (a data: URL prefix is accepted); for a screen of C channels a TIFF of C pages */
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
    const image = await decodeUpload(query.image, run.screen?.channels.length ?? 1, run.screen?.channelNormalisation ?? null);
    const vector = await this.embed(run, image);
    return this.neighbours.nearestCompoundsToVector({ run: run.id, vector, cellLine: query.cellLine, k: query.k, metric: query.metric, normalization: query.normalization });
  }

  /** Closes the open encoders (at shutdown). */
  close(): Promise<void> {
    return this.encoders.close();
  }

  private async embed(run: RunEntity, image: ChannelImage): Promise<Float32Array> {
    const settings = tileSettingsOf((run.config as Partial<TrainingConfig>).embedTileSize);
    const pixels = renderTiles(image, settings);
    const values = PIXELS_PER_TILE * image.channels;
    const tiles = pixels.length / values;
    const rows = await this.encoders.use(run.id, () => this.open(run), async (encoder) => {
      const out: Float32Array[] = [];
      for (let start = 0; start < tiles; start += encoder.batchTiles) {
        const count = Math.min(encoder.batchTiles, tiles - start);
        const encoded = await encoder.encode(pixels.subarray(start * values, (start + count) * values), count);
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

async function decodeUpload(base64: string, channels: number, normalisation: ChannelNormalisation | null): Promise<ChannelImage> {
  const text = base64.replace(/^data:image\/[a-z+.-]+;base64,/i, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) throw new BadUserInputError('image must be a base64-encoded PNG or TIFF file', 'image');
  const bytes = Math.floor((text.length * 3) / 4) - (text.match(/=+$/)?.[0].length ?? 0);
  if (bytes === 0) throw new BadUserInputError('image is empty', 'image');
  if (bytes > MAX_IMAGE_BYTES) throw new BadUserInputError(`image is ${bytes} bytes; at most ${MAX_IMAGE_BYTES} are accepted`, 'image');
  try {
    const file = Buffer.from(text, 'base64');
    if (channels === 1) return { ...(await decodeGreyUpload(file, { maxPixels: MAX_IMAGE_PIXELS })), channels: 1 };
    const planes = await decodePlanesUpload(file, channels, { maxPixels: MAX_IMAGE_PIXELS });
    return { data: normalisePlanes(planes, typicalRanges(normalisation, channels)), width: planes.width, height: planes.height, channels };
  } catch (error) {
    if (error instanceof UnreadableImageError) throw new BadUserInputError(`image: ${error.message}`, 'image');
    throw error;
  }
}

/**
 * An uploaded image has no plate: each channel is stretched with the median of the screen's
 * per-plate ranges (the bit depth alone when the screen has none).
 */
function typicalRanges(normalisation: ChannelNormalisation | null, channels: number): ChannelRange[] | undefined {
  const plates = Object.values(normalisation ?? {});
  if (plates.length === 0) return undefined;
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
  return Array.from({ length: channels }, (_, c) => [median(plates.map((ranges) => ranges[c][0])), median(plates.map((ranges) => ranges[c][1]))] as ChannelRange);
}
