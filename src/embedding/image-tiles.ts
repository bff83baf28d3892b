import { CROP_SIZE } from '../data/crops/crop.plan';
import { renderCrop } from '../data/crops/crop.renderer';
import type { GreyImage } from '../data/crops/sharp-image.adapter';
import { elementwiseMedian } from '../numeric/vector';
import { planTiles, type TileSettings } from './tile.plan';

export const PIXELS_PER_TILE = CROP_SIZE * CROP_SIZE;

/**
 * An image's network inputs: its tiles (tile.plan.ts) rendered to 64x64, one after another.
 * The embed job and a query by a new image both go through here, so an image of the screen
 * sent as a query becomes exactly the inputs it was embedded from.
 */
export function renderTiles(grey: GreyImage, settings: TileSettings): Float32Array {
  const views = planTiles(grey.width, grey.height, settings.tileSize);
  const pixels = new Float32Array(views.length * PIXELS_PER_TILE);
  views.forEach((view, t) => renderCrop(grey, view, pixels, t * PIXELS_PER_TILE));
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
