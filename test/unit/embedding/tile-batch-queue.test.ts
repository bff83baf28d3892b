import { describe, expect, it } from 'vitest';
import type { ScreenImage } from '../../../src/db/repositories/screen-images.query';
import { TileBatchQueue } from '../../../src/embedding/tile-batch.queue';

const image = (id: number) => ({ id }) as ScreenImage;

/** A fake encoder: each tile (1 pixel here) becomes a 2-d row [pixel, pixel * 10]. */
function recordingEncoder() {
  const counts: number[] = [];
  const encode = async (pixels: Float32Array, count: number) => {
    counts.push(count);
    const out = new Float32Array(count * 2);
    for (let t = 0; t < count; t += 1) out.set([pixels[t], pixels[t] * 10], t * 2);
    return out;
  };
  return { counts, encode };
}

describe('TileBatchQueue', () => {
  it('runs only full batches until flushed, and hands back each image with its own rows once all its tiles are encoded', async () => {
    const queue = new TileBatchQueue(4, 2, 1);
    const { counts, encode } = recordingEncoder();
    // images 1..3 with 3, 3 and 1 tiles: 7 tiles, one full batch of 4
    queue.push([image(1), image(2), image(3)], [0, 3, 6, 7], Float32Array.from([1, 2, 3, 4, 5, 6, 7]));
    const first = await queue.drain(encode, false);
    expect(counts).toEqual([4]);
    expect(first.map((done) => done.image.id)).toEqual([1]);
    expect(first[0].rows.map((row) => [...row])).toEqual([[1, 10], [2, 20], [3, 30]]);
    // image 2 spans the first batch and the next
    queue.push([image(4)], [0, 2], Float32Array.from([8, 9]));
    const second = await queue.drain(encode, false);
    expect(counts).toEqual([4, 4]);
    expect(second.map((done) => done.image.id)).toEqual([2, 3]);
    expect(second[0].rows.map((row) => [...row])).toEqual([[4, 40], [5, 50], [6, 60]]);
    expect(await queue.drain(encode, false)).toEqual([]);
    const last = await queue.drain(encode, true);
    expect(counts).toEqual([4, 4, 1]);
    expect(last.map((done) => [done.image.id, done.rows.map((row) => row[0])])).toEqual([[4, [8, 9]]]);
  });
});
