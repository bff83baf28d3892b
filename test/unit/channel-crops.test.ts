import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import sharp from 'sharp';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelImage } from '../../src/data/channels/channel-image';
import { renderChannelCrop } from '../../src/data/crops/channel-crop.renderer';
import { buildBatch, streamCropBatches, type LabelledImage } from '../../src/data/crops/crop-batch.streamer';
import { planCrops, type CropView } from '../../src/data/crops/crop.plan';
import { renderCrop } from '../../src/data/crops/crop.renderer';
import { SeededRandom } from '../../src/util/seeded-random';
import { parseManifest } from '../../src/data/manifest.codec';
import { generateScreen } from '../../src/data/synthetic/screen.generator';
import { STRATEGIES } from '../../src/training/setups';

describe('grey crop batches', () => {
  const root = mkdtempSync(join(tmpdir(), 'morphospace-grey-crops-'));
  let images: LabelledImage[] = [];

  beforeAll(async () => {
    await generateScreen({ preset: 'tiny', seed: 3, outDir: root, limit: 12 });
    images = parseManifest(readFileSync(join(root, 'manifest.csv'), 'utf8')).map((row) => ({ id: row.path, path: join(root, row.path), label: row.control ? 0 : 1 }));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('are bit for bit what they were before screens had channels', async () => {
    const hash = createHash('sha256');
    for (const strategy of STRATEGIES) {
      for await (const batch of streamCropBatches({ images, batchSize: 5, strategy, seed: 7, epoch: 2 })) {
        hash.update(Buffer.from(batch.data.buffer, batch.data.byteOffset, batch.data.byteLength));
        hash.update(JSON.stringify(batch.shape));
      }
    }
    expect(hash.digest('hex')).toBe('636abe5f9abcca4a7bb17ed822c955839a27a56194ac628315724463069f0c02');
  });
});

/** A 3-channel image whose channels differ everywhere: noise, a horizontal ramp, a vertical ramp. */
function threeChannels(width: number, height: number): ChannelImage {
  const rng = new SeededRandom('three-channels');
  const area = width * height;
  const data = new Uint8Array(3 * area);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      data[y * width + x] = rng.int(0, 256);
      data[area + y * width + x] = Math.round((255 * x) / (width - 1));
      data[2 * area + y * width + x] = Math.round((255 * y) / (height - 1));
    }
  }
  return { data, width, height, channels: 3 };
}

function channelOf(tile: Float32Array, channels: number, c: number): Float32Array {
  return Float32Array.from({ length: tile.length / channels }, (_, i) => tile[i * channels + c]);
}

describe('multi-channel crops', () => {
  const image = threeChannels(96, 80);
  const planeOf = (c: number) => ({ data: image.data.subarray(c * 96 * 80, (c + 1) * 96 * 80), width: 96, height: 80 });

  it('cut the same box with the same flip and blur from every channel, interleaved NHWC', () => {
    const views: CropView[] = [
      { x: 10, y: 5, size: 40, scale: 0.5, flip: true, blurSigma: 1.3 },
      { x: 0, y: 0, size: 80, scale: 1, flip: false, blurSigma: 0 },
      { x: 3, y: 7, size: 64, scale: 0.8, flip: true, blurSigma: 0 },
    ];
    for (const view of views) {
      const tile = new Float32Array(64 * 64 * 3);
      renderChannelCrop(image, view, tile, 0);
      for (let c = 0; c < 3; c += 1) {
        const expected = new Float32Array(64 * 64);
        renderCrop(planeOf(c), view, expected, 0);
        expect(channelOf(tile, 3, c)).toEqual(expected);
      }
    }
    // the flip is shared: the horizontal ramp runs right to left in a flipped crop, and the vertical one is unchanged
    const flipped = new Float32Array(64 * 64 * 3);
    renderChannelCrop(image, { x: 0, y: 0, size: 64, scale: 0.8, flip: true, blurSigma: 0 }, flipped, 0);
    const ramp = channelOf(flipped, 3, 1);
    expect(ramp[0]).toBeGreaterThan(ramp[63]);
    const down = channelOf(flipped, 3, 2);
    expect(down[0]).toBeLessThan(down[63 * 64]);
  });

  it('stream [n, 64, 64, 3] batches from one file per channel and refuse an image with another channel count', async () => {
    const root = mkdtempSync(join(tmpdir(), 'morphospace-channel-files-'));
    try {
      const paths = await Promise.all(
        [0, 1, 2].map(async (c) => {
          const path = join(root, `c${c}.png`);
          await sharp(Buffer.from(planeOf(c).data), { raw: { width: 96, height: 80, channels: 1 } }).png().toFile(path);
          return path;
        }),
      );
      const images: LabelledImage[] = [{ id: 'a', path: paths[0], channelPaths: paths, label: 1 }];
      const strategy = { crop: 'multi-crop', augment: true } as const;
      const screen = { channels: ['dna', 'tubulin', 'actin'].map((name) => ({ name, role: name })) };
      const batch = await buildBatch(0, images, strategy, 4, 1, { screen });
      expect(batch.shape).toEqual([5, 64, 64, 3]);
      expect(batch.channels).toBe(3);
      const views = planCrops(strategy, 96, 80, 4, 1, 'a');
      views.forEach((view, k) => {
        const tile = batch.data.subarray(k * 64 * 64 * 3, (k + 1) * 64 * 64 * 3);
        for (let c = 0; c < 3; c += 1) {
          const expected = new Float32Array(64 * 64);
          renderCrop(planeOf(c), view, expected, 0);
          expect(channelOf(tile, 3, c)).toEqual(expected);
        }
      });
      await expect(buildBatch(0, images, strategy, 4, 1, { screen: { channels: screen.channels.slice(0, 2) } })).rejects.toThrow(/3 channel files for a screen of 2 channels/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
