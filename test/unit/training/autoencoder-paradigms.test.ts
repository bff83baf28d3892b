import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/training/backend';
import { createParadigm } from '../../../src/training/paradigms/create-paradigm';
import type { TrainingBatch } from '../../../src/training/paradigms/trainable-paradigm';
import { blobBatch, disposeBatch, mean } from './synthetic-blobs';

describe('unsupervised and regularized paradigms', () => {
  let batch: TrainingBatch;

  beforeAll(async () => {
    await selectBackend({ backend: 'wasm', threads: 1 });
    batch = blobBatch(4, 'ae');
  });

  afterAll(() => disposeBatch(batch));

  it('unsupervised: reconstruction loss falls', () => {
    const model = createParadigm('unsupervised', { seed: 1, learningRate: 1e-3 });
    const losses: number[] = [];
    for (let step = 0; step < 10; step += 1) losses.push(model.trainStep(batch).loss);
    expect(mean(losses.slice(-3))).toBeLessThan(mean(losses.slice(0, 3)));
    model.dispose();
  });

  it('regularized: loss = reconstruction + classification, and it falls', () => {
    const model = createParadigm('regularized', { seed: 2, learningRate: 1e-3 });
    const losses: number[] = [];
    for (let step = 0; step < 10; step += 1) {
      const result = model.trainStep(batch);
      expect(result.loss).toBeCloseTo(result.terms.reconstruction + result.terms.classification, 4);
      losses.push(result.loss);
    }
    expect(mean(losses.slice(-3))).toBeLessThan(mean(losses.slice(0, 3)));
    model.dispose();
  });

  it('regularized: the classification term alone has a gradient on the encoder (not detached)', () => {
    const model = createParadigm('regularized', { seed: 3 });
    const norms = model.gradientNorms(batch, 'classification');
    for (const name of model.parameterNames()) {
      if (name.startsWith('encoder.') || name.startsWith('head.')) expect(norms[name], name).toBeGreaterThan(0);
      if (name.startsWith('decoder.')) expect(norms[name], name).toBe(0);
    }
    model.dispose();
  });

  it('does not leak tensors across steps', () => {
    const model = createParadigm('regularized', { seed: 4 });
    model.trainStep(batch);
    const count = tf.memory().numTensors;
    model.trainStep(batch);
    model.trainStep(batch);
    expect(tf.memory().numTensors).toBe(count);
    model.dispose();
  });
});
