import type { ScreenImage } from '../db/repositories/screen-images.query';

/** An image whose every tile is encoded: its rows, tile by tile, `dim` values each. */
export interface EncodedImage {
  image: ScreenImage;
  rows: Float32Array[];
}

interface Pending {
  image: ScreenImage;
  tiles: number;
  encoded: Float32Array;
  filled: number;
}

/**
 * Tiles of consecutive images cut into batches of exactly `batch` tiles, whatever the tiles per
 * image: the runtimes run fastest on full batches, and a step of 32 whole images (one tile
 * each) would otherwise give onnxruntime half of one. An image's tiles may span two batches;
 * it is handed back once all of them are encoded, in the order pushed.
 */
export class TileBatchQueue {
  private pixels = new Float32Array(0);
  private readonly pending: Pending[] = [];

  constructor(
    private readonly batch: number,
    private readonly dim: number,
    private readonly tilePixels: number,
  ) {}

  /** `offsets[i]` is image i's first tile in `pixels`; offsets has one entry more than images. */
  push(images: readonly ScreenImage[], offsets: readonly number[], pixels: Float32Array): void {
    const merged = new Float32Array(this.pixels.length + pixels.length);
    merged.set(this.pixels);
    merged.set(pixels, this.pixels.length);
    this.pixels = merged;
    images.forEach((image, i) => {
      const tiles = offsets[i + 1] - offsets[i];
      this.pending.push({ image, tiles, encoded: new Float32Array(tiles * this.dim), filled: 0 });
    });
  }

  /** Encodes every full batch (with `flush`, the last partial one too) and returns the images completed. */
  async drain(encode: (pixels: Float32Array, count: number) => Promise<Float32Array>, flush: boolean): Promise<EncodedImage[]> {
    const total = this.pixels.length / this.tilePixels;
    let start = 0;
    while (total - start >= this.batch || (flush && start < total)) {
      const count = Math.min(this.batch, total - start);
      this.distribute(await encode(this.pixels.subarray(start * this.tilePixels, (start + count) * this.tilePixels), count), count);
      start += count;
    }
    this.pixels = this.pixels.slice(start * this.tilePixels);
    const done: EncodedImage[] = [];
    while (this.pending.length > 0 && this.pending[0].filled === this.pending[0].tiles) {
      const { image, tiles, encoded } = this.pending.shift()!;
      done.push({ image, rows: Array.from({ length: tiles }, (_, t) => encoded.subarray(t * this.dim, (t + 1) * this.dim)) });
    }
    return done;
  }

  /** Rows of an encoded batch to the images they belong to, oldest unfilled first. */
  private distribute(out: Float32Array, count: number): void {
    let row = 0;
    for (const entry of this.pending) {
      if (row === count) return;
      const take = Math.min(entry.tiles - entry.filled, count - row);
      if (take === 0) continue;
      entry.encoded.set(out.subarray(row * this.dim, (row + take) * this.dim), entry.filled * this.dim);
      entry.filled += take;
      row += take;
    }
  }
}
