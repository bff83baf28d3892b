import { CROP_SIZE, type CropView } from '../data/crops/crop.plan';

/**
 * How an image becomes the network's 64x64 inputs at embedding time.
 * - `tileSize: n` (default 64): the image is cut into a grid of non-overlapping n x n tiles
 *   (the grid centred, a remainder narrower than a tile dropped), each resized to 64x64
 *   (n = 64: taken as is). A 256x256 image gives a 4x4 grid of 16 tiles.
 * - `tileSize: 'whole'`: one view, the image's centred square resized to 64x64, as the
 *   one-crop training strategy sees it.
 * An image smaller than a tile is embedded whole.
 */
export type TileSize = number | 'whole';

export interface TileSettings {
  tileSize: TileSize;
  /** how tile embeddings make the image's embedding */
  aggregation: 'mean' | 'median';
}

export const DEFAULT_TILE_SETTINGS: TileSettings = { tileSize: CROP_SIZE, aggregation: 'mean' };

export function planTiles(width: number, height: number, tileSize: TileSize): CropView[] {
  const side = Math.min(width, height);
  if (tileSize === 'whole' || side < tileSize) {
    return [{ x: Math.floor((width - side) / 2), y: Math.floor((height - side) / 2), size: side, scale: 1, flip: false, blurSigma: 0 }];
  }
  const columns = Math.floor(width / tileSize);
  const rows = Math.floor(height / tileSize);
  const left = Math.floor((width - columns * tileSize) / 2);
  const top = Math.floor((height - rows * tileSize) / 2);
  const views: CropView[] = [];
  for (let row = 0; row < rows; row += 1) {
    for (let column = 0; column < columns; column += 1) {
      views.push({ x: left + column * tileSize, y: top + row * tileSize, size: tileSize, scale: tileSize / side, flip: false, blurSigma: 0 });
    }
  }
  return views;
}

/** The tile settings of a run's `embedTileSize` (0: the whole image; absent, as on runs older than the setting: 64). */
export function tileSettingsOf(embedTileSize: number | undefined): TileSettings {
  if (embedTileSize === undefined) return DEFAULT_TILE_SETTINGS;
  return { ...DEFAULT_TILE_SETTINGS, tileSize: embedTileSize === 0 ? 'whole' : embedTileSize };
}
