import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { flipLeftRight } from '../../../src/training/onnx/flip-left-right';
import { disposeTrainingBatch, makeTrainingBatch, stepBatchOf } from '../../../src/training/training-batch';

describe('training batches from crop rows', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  // 3 images x 2 crops, crop-major; each row filled with its row index
  const rows = {
    data: Float32Array.from({ length: 6 * 4096 }, (_, i) => Math.floor(i / 4096)),
    labels: Int32Array.of(1, 0, 1, 1, 0, 1),
    images: 3,
    cropsPerImage: 2,
  };

  it('uses every row with its label for the supervised and autoencoding paradigms', () => {
    const batch = makeTrainingBatch('regularized', rows);
    expect(batch.x.shape).toEqual([6, 64, 64, 1]);
    expect(Array.from(batch.labels!.dataSync())).toEqual([1, 0, 1, 1, 0, 1]);
    expect(batch.x2).toBeUndefined();
    disposeTrainingBatch(batch);
  });

  it('gives BYOL crop 0 and crop 1 of the same images as its two views', () => {
    const batch = makeTrainingBatch('self-supervised', rows);
    expect(batch.x.shape).toEqual([3, 64, 64, 1]);
    expect(batch.x2!.shape).toEqual([3, 64, 64, 1]);
    const firstPixel = (t: tf.Tensor) => Array.from(tf.slice(t, [0, 0, 0, 0], [-1, 1, 1, 1]).dataSync());
    expect(firstPixel(batch.x)).toEqual([0, 1, 2]);
    expect(firstPixel(batch.x2!)).toEqual([3, 4, 5]);
    disposeTrainingBatch(batch);
  });

  it('gives the ONNX step the same rows: every row, or BYOL views as crops 0 and 1 (none with one crop)', () => {
    const all = stepBatchOf('regularized', rows);
    expect([all.rows, all.pixels.length, Array.from(all.labels!)]).toEqual([6, 6 * 4096, [1, 0, 1, 1, 0, 1]]);
    const views = stepBatchOf('self-supervised', rows);
    expect([views.rows, views.pixels.length, views.secondView!.length]).toEqual([3, 3 * 4096, 3 * 4096]);
    expect([0, 1, 2].map((row) => [views.pixels[row * 4096], views.secondView![row * 4096]])).toEqual([[0, 3], [1, 4], [2, 5]]);
    const single = stepBatchOf('self-supervised', { ...rows, data: rows.data.subarray(0, 3 * 4096), cropsPerImage: 1 });
    expect([single.rows, single.secondView]).toEqual([3, undefined]);
    expect(() => stepBatchOf('self-supervised', { ...rows, images: 4 })).toThrow(/expected 8 x 64 x 64/);
  });

  it('flips NHWC rows left-right as tfjs does (the default second view of the ONNX step)', () => {
    const shape = [2, 64, 64, 3];
    const pixels = Float32Array.from({ length: 2 * 64 * 64 * 3 }, (_, i) => (i * 7919) % 1000);
    const expected = tf.image.flipLeftRight(tf.tensor4d(pixels, shape as [number, number, number, number])).dataSync();
    expect(Array.from(flipLeftRight(pixels, shape))).toEqual(Array.from(expected));
    expect(() => flipLeftRight(pixels, [1, 64, 64, 3])).toThrow(/not \[1,64,64,3\]/);
  });

  it('rejects a batch whose data does not match its shape', () => {
    expect(() => makeTrainingBatch('unsupervised', { ...rows, images: 4 })).toThrow(/expected 8 x 64 x 64/);
  });
});
