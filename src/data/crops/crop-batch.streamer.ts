import { SeededRandom } from '../../util/seeded-random';
import type { Strategy } from '../../training/setups';
import { CROP_SIZE, cropsPerImage, planCrops } from './crop.plan';
import type { ChannelImage } from '../channels/channel-image';
import { readChannelImage, type ChannelScreen } from '../channels/channel-image.reader';
import { readImageBytesBlocking } from '../image-bytes.reader';
import { GREY_CHANNELS } from '../channels/screen-channel';
import { renderChannelCrop } from './channel-crop.renderer';

export interface LabelledImage {
  /** stable id (database id or manifest path): seeds the image's crops */
  id: string | number;
  path: string;
  label: number;
  /** one file per channel, in the screen's channel order; absent: `path` holds every channel */
  channelPaths?: string[] | null;
  /** its plate: which of the screen's per-plate channel normalisations applies */
  plate?: string;
}

/**
 * One training batch. Rows are CROP-MAJOR: row k * images + i is crop k of
 * image i, so view k of the whole batch is the contiguous slice
 * data.subarray(k * images * 64 * 64, (k + 1) * images * 64 * 64).
 */
export interface CropBatch {
  index: number;
  /** [rows, 64, 64, channels] (NHWC), values in [0, 1] */
  data: Float32Array;
  shape: [number, number, number, number];
  /** per row */
  labels: Int32Array;
  imageIds: Array<string | number>;
  cropIndex: Uint8Array;
  /** distinct images in this batch */
  images: number;
  cropsPerImage: number;
  channels: number;
}

/**
 * Images read as their batches are built: an epoch of a screen too large to hold as row objects
 * (a training job holds ids, and reads each batch's rows).
 */
export interface LabelledImageSource {
  readonly length: number;
  /** the images at these positions, in this order */
  read(positions: ArrayLike<number>): Promise<LabelledImage[]>;
}

export interface CropStreamOptions {
  images: readonly LabelledImage[] | LabelledImageSource;
  /** images per batch (a multi-crop batch has 5x as many rows) */
  batchSize: number;
  strategy: Strategy;
  seed: number;
  epoch: number;
  /** reshuffle the order every epoch, seeded by (seed, epoch); default true */
  shuffle?: boolean;
  /** drop a last partial batch; default false */
  dropLast?: boolean;
  /** batches prepared ahead of the consumer; default 1 */
  prefetch?: number;
  /** images decoded at once (sharp runs on the libuv pool); default 4 */
  decodeConcurrency?: number;
  /** the screen's channels and their normalisation; default one grey channel */
  screen?: ChannelScreen;
}

/**
 * Streams crop batches for one epoch. While the consumer works on a batch
 * the next `prefetch` are decoded and cropped, and no more: memory is
 * bounded by (prefetch + 1) batches whatever the screen size. Each image is
 * decoded once per batch, however many views it yields.
 */
export async function* streamCropBatches(options: CropStreamOptions): AsyncGenerator<CropBatch> {
  const { batchSize, strategy, seed, epoch } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
  const source = sourceOf(options.images);
  const order = Uint32Array.from({ length: source.length }, (_, i) => i);
  if (options.shuffle ?? true) SeededRandom.derive('morphospace/epoch-order', seed, epoch).shuffle(order);
  const batches = Math.floor(order.length / batchSize) + (options.dropLast || order.length % batchSize === 0 ? 0 : 1);
  const prefetch = Math.max(0, options.prefetch ?? 1);
  const concurrency = Math.max(1, options.decodeConcurrency ?? 4);

  const build = async (b: number): Promise<CropBatch> =>
    buildBatch(b, await source.read(order.subarray(b * batchSize, (b + 1) * batchSize)), strategy, seed, epoch, { decodeConcurrency: concurrency, screen: options.screen });

  const ahead: Array<Promise<CropBatch>> = [];
  // a rejected prefetch must not surface as an unhandled rejection before it is awaited
  const track = (promise: Promise<CropBatch>): Promise<CropBatch> => {
    promise.catch(() => undefined);
    return promise;
  };
  let next = 0;
  while (next < batches && ahead.length <= prefetch) ahead.push(track(build(next++)));
  while (ahead.length > 0) {
    const batch = await (ahead.shift() as Promise<CropBatch>);
    if (next < batches) ahead.push(track(build(next++)));
    yield batch;
  }
}

/** Decodes and crops one batch; exported for callers that want a single batch (embedding, previews). */
export async function buildBatch(
  index: number,
  images: readonly LabelledImage[],
  strategy: Strategy,
  seed: number,
  epoch: number,
  reading: Pick<CropStreamOptions, 'decodeConcurrency' | 'screen'> = {},
): Promise<CropBatch> {
  const crops = cropsPerImage(strategy);
  const n = images.length;
  const screen = reading.screen ?? { channels: GREY_CHANNELS };
  const channels = screen.channels.length;
  const pixels = CROP_SIZE * CROP_SIZE * channels;
  const data = new Float32Array(n * crops * pixels);
  const labels = new Int32Array(n * crops);
  const imageIds: Array<string | number> = new Array(n * crops);
  const cropIndex = new Uint8Array(n * crops);

  await forEachLimited(images, reading.decodeConcurrency ?? 4, async (image, i) => {
    let decoded: ChannelImage;
    try {
      // the crop reader runs in a training worker, where a blocking read was measured to pay (image-bytes.reader.ts)
      decoded = await readChannelImage(process.cwd(), { path: image.path, channelPaths: image.channelPaths ?? null, plate: image.plate ?? '' }, screen, readImageBytesBlocking);
    } catch (error) {
      throw new Error(`cannot decode ${image.path}: ${(error as Error).message}`);
    }
    const views = planCrops(strategy, decoded.width, decoded.height, seed, epoch, image.id);
    views.forEach((view, k) => {
      const row = k * n + i;
      renderChannelCrop(decoded, view, data, row * pixels);
      labels[row] = image.label;
      imageIds[row] = image.id;
      cropIndex[row] = k;
    });
  });
  return { index, data, shape: [n * crops, CROP_SIZE, CROP_SIZE, channels], labels, imageIds, cropIndex, images: n, cropsPerImage: crops, channels };
}

function sourceOf(images: readonly LabelledImage[] | LabelledImageSource): LabelledImageSource {
  if ('read' in images) return images;
  return { length: images.length, read: async (positions) => Array.from(positions, (i) => images[i]) };
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next;
      next += 1;
      await work(items[i], i);
    }
  });
  await Promise.all(workers);
}
