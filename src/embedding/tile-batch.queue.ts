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
  /** tiles not encoded yet, as pushed; the first `offset` tiles of the first chunk are done */
  private readonly chunks: Float32Array[] = [];
  private offset = 0;
  private queued = 0;
  private readonly pending: Pending[] = [];
  /** a batch that spans two chunks is copied here; one within a chunk is passed as a view, uncopied */
  private readonly scratch: Float32Array;

  constructor(
    private readonly batch: number,
    private readonly dim: number,
    private readonly tilePixels: number,
  ) {
    this.scratch = new Float32Array(batch * tilePixels);
  }

  /** `offsets[i]` is image i's first tile in `pixels`; offsets has one entry more than images. */
  push(images: readonly ScreenImage[], offsets: readonly number[], pixels: Float32Array): void {
    if (pixels.length > 0) this.chunks.push(pixels);
    this.queued += pixels.length / this.tilePixels;
    images.forEach((image, i) => {
      const tiles = offsets[i + 1] - offsets[i];
      this.pending.push({ image, tiles, encoded: new Float32Array(tiles * this.dim), filled: 0 });
    });
  }

  /** Encodes every full batch (with `flush`, the last partial one too) and returns the images completed. */
  async drain(encode: (pixels: Float32Array, count: number) => Promise<Float32Array>, flush: boolean): Promise<EncodedImage[]> {
    while (this.queued >= this.batch || (flush && this.queued > 0)) {
      const count = Math.min(this.batch, this.queued);
      this.distribute(await encode(this.take(count), count), count);
    }
    const done: EncodedImage[] = [];
    while (this.pending.length > 0 && this.pending[0].filled === this.pending[0].tiles) {
      const { image, tiles, encoded } = this.pending.shift()!;
      done.push({ image, rows: Array.from({ length: tiles }, (_, t) => encoded.subarray(t * this.dim, (t + 1) * this.dim)) });
    }
    return done;
  }

  /** The next `count` tiles, read once by the encoder before the next take. */
  private take(count: number): Float32Array {
    const size = this.tilePixels;
    const first = this.chunks[0];
    if (first.length / size - this.offset >= count) {
      const view = first.subarray(this.offset * size, (this.offset + count) * size);
      this.advance(count);
      return view;
    }
    let filled = 0;
    while (filled < count) {
      const chunk = this.chunks[0];
      const taken = Math.min(chunk.length / size - this.offset, count - filled);
      this.scratch.set(chunk.subarray(this.offset * size, (this.offset + taken) * size), filled * size);
      filled += taken;
      this.advance(taken);
    }
    return this.scratch.subarray(0, count * size);
  }

  private advance(tiles: number): void {
    this.offset += tiles;
    this.queued -= tiles;
    if (this.offset * this.tilePixels === this.chunks[0].length) {
      this.chunks.shift();
      this.offset = 0;
    }
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
