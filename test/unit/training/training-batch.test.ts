import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { disposeTrainingBatch, makeTrainingBatch } from '../../../src/training/training-batch';

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

  it('rejects a batch whose data does not match its shape', () => {
    expect(() => makeTrainingBatch('unsupervised', { ...rows, images: 4 })).toThrow(/expected 8 x 64 x 64/);
  });
});
