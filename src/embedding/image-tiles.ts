import { CROP_SIZE } from '../data/crops/crop.plan';
import type { ChannelImage } from '../data/channels/channel-image';
import { renderChannelCrop } from '../data/crops/channel-crop.renderer';
import { elementwiseMedian } from '../numeric/vector';
import { planTiles, type TileSettings } from './tile.plan';

export const PIXELS_PER_TILE = CROP_SIZE * CROP_SIZE;

/**
 * An image's network inputs: its tiles (tile.plan.ts) rendered to 64x64 (NHWC, every channel
 * cut alike), one after another.
 * The embed job and a query by a new image both go through here, so an image of the screen
 * sent as a query becomes exactly the inputs it was embedded from.
 */
export function renderTiles(image: ChannelImage, settings: TileSettings): Float32Array {
  const views = planTiles(image.width, image.height, settings.tileSize);
  const values = PIXELS_PER_TILE * image.channels;
  const pixels = new Float32Array(views.length * values);
  views.forEach((view, t) => renderChannelCrop(image, view, pixels, t * values));
  return pixels;
}

/** The image's embedding from its tiles' embeddings. */
export function aggregateTiles(rows: Float32Array[], aggregation: TileSettings['aggregation']): Float32Array {
  if (rows.length === 1) return Float32Array.from(rows[0]);
  if (aggregation === 'median') return elementwiseMedian(rows);
  const out = new Float32Array(rows[0].length);
  for (const row of rows) for (let d = 0; d < out.length; d += 1) out[d] += row[d];
  for (let d = 0; d < out.length; d += 1) out[d] /= rows.length;
  return out;
}
