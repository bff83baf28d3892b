import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamCropBatches, type CropBatch, type LabelledImage } from '../../src/data/crops/crop-batch.streamer';
import { BLUR_SIGMA_RANGE, CROP_SIZE, cropsPerImage, planCrops, type CropView } from '../../src/data/crops/crop.plan';
import { renderCrop } from '../../src/data/crops/crop.renderer';
import { decodeGrey } from '../../src/data/crops/sharp-image.adapter';
import { parseManifest } from '../../src/data/manifest.codec';
import { generateScreen } from '../../src/data/synthetic/screen.generator';
import { STRATEGIES, type Strategy } from '../../src/training/setups';

const ONE: Strategy = { crop: 'one-crop', augment: false };
const ONE_AUG: Strategy = { crop: 'one-crop', augment: true };
const MULTI: Strategy = { crop: 'multi-crop', augment: false };
const MULTI_AUG: Strategy = { crop: 'multi-crop', augment: true };

describe('planCrops', () => {
  it('gives one full view for one-crop and 1 + 2 + 2 views at the documented scales for multi-crop', () => {
    expect(cropsPerImage(ONE)).toBe(1);
    expect(cropsPerImage(MULTI_AUG)).toBe(5);
    expect(planCrops(ONE, 256, 256, 1, 0, 'a')).toEqual([{ x: 0, y: 0, size: 256, scale: 1, flip: false, blurSigma: 0 }]);
    for (let id = 0; id < 200; id += 1) {
      const views = planCrops(MULTI, 256, 200, 3, 1, id);
      expect(views).toHaveLength(5);
      expect(views[0]).toMatchObject({ scale: 1, size: 200 });
      for (const view of views.slice(1, 3)) expect(view.scale >= 0.5 && view.scale <= 0.75).toBe(true);
      for (const view of views.slice(3)) expect(view.scale >= 0.25 && view.scale <= 0.5).toBe(true);
      for (const view of views) {
        expect(view.size).toBe(Math.round(view.scale * 200));
        expect(view.x).toBeGreaterThanOrEqual(0);
        expect(view.y).toBeGreaterThanOrEqual(0);
        expect(view.x + view.size).toBeLessThanOrEqual(256);
        expect(view.y + view.size).toBeLessThanOrEqual(200);
        expect(view.flip).toBe(false);
        expect(view.blurSigma).toBe(0);
      }
    }
  });

  it('is a function of (seed, epoch, image id)', () => {
    expect(planCrops(MULTI_AUG, 256, 256, 5, 2, 'img-1')).toEqual(planCrops(MULTI_AUG, 256, 256, 5, 2, 'img-1'));
    expect(planCrops(MULTI_AUG, 256, 256, 5, 2, 'img-1')).not.toEqual(planCrops(MULTI_AUG, 256, 256, 6, 2, 'img-1'));
    expect(planCrops(MULTI_AUG, 256, 256, 5, 2, 'img-1')).not.toEqual(planCrops(MULTI_AUG, 256, 256, 5, 3, 'img-1'));
    expect(planCrops(MULTI_AUG, 256, 256, 5, 2, 'img-1')).not.toEqual(planCrops(MULTI_AUG, 256, 256, 5, 2, 'img-2'));
  });

  it('uses the same crop boxes with and without augmentation', () => {
    const box = (views: CropView[]) => views.map(({ x, y, size }) => ({ x, y, size }));
    expect(box(planCrops(MULTI_AUG, 256, 256, 9, 0, 4))).toEqual(box(planCrops(MULTI, 256, 256, 9, 0, 4)));
  });

  it('flips about half the views and blurs about a fifth, with sigma in 0.1-2.0', () => {
    let flips = 0;
    let blurs = 0;
    let views = 0;
    for (let id = 0; id < 2000; id += 1) {
      for (const view of planCrops(MULTI_AUG, 128, 128, 11, 0, id)) {
        views += 1;
        if (view.flip) flips += 1;
        if (view.blurSigma > 0) {
          blurs += 1;
          expect(view.blurSigma).toBeGreaterThanOrEqual(BLUR_SIGMA_RANGE[0]);
          expect(view.blurSigma).toBeLessThanOrEqual(BLUR_SIGMA_RANGE[1]);
        }
      }
    }
    expect(flips / views).toBeGreaterThan(0.47);
    expect(flips / views).toBeLessThan(0.53);
    expect(blurs / views).toBeGreaterThan(0.18);
    expect(blurs / views).toBeLessThan(0.22);
  });
});

describe('renderCrop', () => {
  const gradient = { data: new Uint8Array(256 * 256).map((_, i) => i % 256), width: 256, height: 256 };

  it('area-averages a full view: 256 -> 64 is the mean of 4x4 blocks, scaled to [0, 1]', () => {
    const out = new Float32Array(CROP_SIZE * CROP_SIZE);
    renderCrop(gradient, { x: 0, y: 0, size: 256, scale: 1, flip: false, blurSigma: 0 }, out, 0);
    for (const x of [0, 17, 63]) expect(out[5 * 64 + x]).toBeCloseTo((4 * x + 1.5) / 255, 5);
  });

  it('takes a 64-px tile on whole pixels as it is, as area averaging of one-pixel boxes would', () => {
    const noisy = { data: new Uint8Array(256 * 256).map((_, i) => (i * 7919) % 251), width: 256, height: 256 };
    const out = new Float32Array(CROP_SIZE * CROP_SIZE);
    renderCrop(noisy, { x: 64, y: 128, size: 64, scale: 0.25, flip: false, blurSigma: 0 }, out, 0);
    for (const [x, y] of [[0, 0], [13, 40], [63, 63]]) expect(out[y * 64 + x]).toBe(Math.fround(noisy.data[(128 + y) * 256 + 64 + x] / 255));
    // the same tile one sub-pixel off goes through the summed-area table and lands within float error of it
    const shifted = new Float32Array(CROP_SIZE * CROP_SIZE);
    renderCrop(noisy, { x: 64, y: 128, size: 64.000001, scale: 0.25, flip: false, blurSigma: 0 }, shifted, 0);
    for (let i = 0; i < out.length; i += 1) expect(Math.abs(shifted[i] - out[i])).toBeLessThan(1e-3);
  });

  it('mirrors rows when flipping', () => {
    const plain = new Float32Array(4096);
    const flipped = new Float32Array(4096);
    const view = { x: 10, y: 20, size: 100, scale: 0.4, flip: false, blurSigma: 0 };
    renderCrop(gradient, view, plain, 0);
    renderCrop(gradient, { ...view, flip: true }, flipped, 0);
    for (const [y, x] of [
      [0, 0],
      [31, 5],
      [63, 63],
    ]) {
      expect(flipped[y * 64 + x]).toBe(plain[y * 64 + (63 - x)]);
    }
  });

  it('upsamples small views bilinearly and keeps flat images flat under blur', () => {
    const flat = { data: new Uint8Array(40 * 40).fill(102), width: 40, height: 40 };
    const out = new Float32Array(4096 * 2);
    renderCrop(flat, { x: 3, y: 4, size: 32, scale: 0.8, flip: true, blurSigma: 1.5 }, out, 4096);
    for (let i = 4096; i < 8192; i += 1) expect(out[i]).toBeCloseTo(0.4, 5);
    expect(out[0]).toBe(0);
  });

  it('smooths with the 3x3 blur', () => {
    const spike = { data: new Uint8Array(64 * 64), width: 64, height: 64 };
    spike.data[32 * 64 + 32] = 255;
    const sharpOut = new Float32Array(4096);
    const blurred = new Float32Array(4096);
    const view = { x: 0, y: 0, size: 64, scale: 1, flip: false, blurSigma: 0 };
    renderCrop(spike, view, sharpOut, 0);
    renderCrop(spike, { ...view, blurSigma: 1 }, blurred, 0);
    expect(blurred[32 * 64 + 32]).toBeLessThan(sharpOut[32 * 64 + 32]);
    expect(blurred[32 * 64 + 33]).toBeGreaterThan(0);
    expect(blurred[32 * 64 + 34]).toBe(0);
  });
});

describe('streamCropBatches', () => {
  const root = mkdtempSync(join(tmpdir(), 'morphospace-crops-'));
  let images: LabelledImage[] = [];

  beforeAll(async () => {
    await generateScreen({ preset: 'tiny', seed: 3, outDir: root });
    images = parseManifest(readFileSync(join(root, 'manifest.csv'), 'utf8'))
      .slice(0, 40)
      .map((row) => ({ id: row.path, path: join(root, row.path), label: row.control ? 0 : 1 }));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function collect(strategy: Strategy, seed: number, epoch: number, batchSize = 16): Promise<CropBatch[]> {
    const batches: CropBatch[] = [];
    for await (const batch of streamCropBatches({ images, batchSize, strategy, seed, epoch })) batches.push(batch);
    return batches;
  }

  it('yields [n, 64, 64, 1] batches in [0, 1] covering every image once per epoch', async () => {
    for (const strategy of STRATEGIES) {
      const batches = await collect(strategy, 1, 0);
      const crops = cropsPerImage(strategy);
      expect(batches.map((b) => b.images)).toEqual([16, 16, 8]);
      const ids: Array<string | number> = [];
      for (const batch of batches) {
        expect(batch.shape).toEqual([batch.images * crops, 64, 64, 1]);
        expect(batch.data.length).toBe(batch.images * crops * 4096);
        expect(batch.labels.length).toBe(batch.images * crops);
        let min = Infinity;
        let max = -Infinity;
        for (const value of batch.data) {
          if (value < min) min = value;
          if (value > max) max = value;
        }
        expect(min).toBeGreaterThanOrEqual(0);
        expect(max).toBeLessThanOrEqual(1);
        expect(max).toBeGreaterThan(0.2);
        ids.push(...batch.imageIds.slice(0, batch.images));
      }
      expect(new Set(ids).size).toBe(images.length);
    }
  });

  it('lays out multi-crop batches crop-major with 5 crops per image', async () => {
    const [batch] = await collect(MULTI_AUG, 1, 0);
    expect(batch.cropsPerImage).toBe(5);
    for (let k = 0; k < 5; k += 1) {
      for (let i = 0; i < batch.images; i += 1) {
        expect(batch.cropIndex[k * batch.images + i]).toBe(k);
        expect(batch.imageIds[k * batch.images + i]).toBe(batch.imageIds[i]);
      }
    }
    const labelOf = new Map(images.map((image) => [image.id, image.label]));
    batch.imageIds.forEach((id, row) => expect(batch.labels[row]).toBe(labelOf.get(id)));
  });

  it('is reproducible for a seed and epoch and changes with the epoch', async () => {
    const a = await collect(MULTI_AUG, 4, 2);
    const b = await collect(MULTI_AUG, 4, 2);
    const c = await collect(MULTI_AUG, 4, 3);
    expect(a.map((batch) => batch.imageIds)).toEqual(b.map((batch) => batch.imageIds));
    a.forEach((batch, i) => expect(Buffer.from(batch.data.buffer).equals(Buffer.from(b[i].data.buffer))).toBe(true));
    expect(a[0].imageIds).not.toEqual(c[0].imageIds);
  });

  it('keeps file order without shuffling and reports undecodable files', async () => {
    const ordered: CropBatch[] = [];
    for await (const batch of streamCropBatches({ images, batchSize: 40, strategy: ONE, seed: 1, epoch: 0, shuffle: false })) ordered.push(batch);
    expect(ordered[0].imageIds).toEqual(images.map((image) => image.id));
    const broken = join(root, 'broken.png');
    writeFileSync(broken, 'not an image');
    const stream = streamCropBatches({ images: [{ id: 'x', path: broken, label: 0 }], batchSize: 1, strategy: ONE_AUG, seed: 1, epoch: 0 });
    await expect(stream.next()).rejects.toThrow(/cannot decode/);
  });
});

describe('decodeGrey', () => {
  it('falls back to sharp for colour images and returns one channel', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'morphospace-decode-'));
    try {
      const path = join(dir, 'rgb.png');
      await sharp({ create: { width: 20, height: 10, channels: 3, background: { r: 200, g: 200, b: 200 } } }).png().toFile(path);
      const image = await decodeGrey(path);
      expect([image.width, image.height, image.data.length]).toEqual([20, 10, 200]);
      expect(Math.abs(image.data[0] - 200)).toBeLessThanOrEqual(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
