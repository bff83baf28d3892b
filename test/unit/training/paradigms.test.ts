import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/training/backend';
import { createParadigm } from '../../../src/training/paradigms/create-paradigm';
import type { SelfSupervisedParadigm } from '../../../src/training/paradigms/self-supervised.paradigm';
import type { TrainingBatch } from '../../../src/training/paradigms/trainable-paradigm';
import type { WeaklySupervisedParadigm } from '../../../src/training/paradigms/weakly-supervised.paradigm';
import { blobBatch, disposeBatch, mean } from './synthetic-blobs';

/** Number of differing elements (vitest's deep equality is very slow on 4M-element arrays). */
function differences(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Math.max(a.length, b.length);
  let count = 0;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) count += 1;
  return count;
}

describe('weakly-supervised and self-supervised paradigms', () => {
  let batch: TrainingBatch;

  beforeAll(async () => {
    await selectBackend({ backend: 'wasm', threads: 1 });
    batch = blobBatch(16, 'train');
  });

  afterAll(() => disposeBatch(batch));

  it('weakly-supervised: loss falls and held-out drug-vs-control accuracy beats chance', () => {
    const model = createParadigm('weakly-supervised', { seed: 1, learningRate: 1e-3 }) as WeaklySupervisedParadigm;
    const losses: number[] = [];
    for (let step = 0; step < 30; step += 1) {
      const b = step % 3 === 0 ? batch : blobBatch(16, `train-${step}`);
      losses.push(model.trainStep(b).loss);
      if (b !== batch) disposeBatch(b);
    }
    expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)));
    const heldOut = blobBatch(64, 'held-out');
    const probability = model.predictDrugProbability(heldOut.x);
    const predicted = probability.dataSync();
    const labels = heldOut.labels!.dataSync();
    let correct = 0;
    for (let i = 0; i < labels.length; i += 1) if ((predicted[i] > 0.5 ? 1 : 0) === labels[i]) correct += 1;
    probability.dispose();
    disposeBatch(heldOut);
    expect(correct / labels.length).toBeGreaterThan(0.75);
    const embedding = model.encode(batch.x);
    expect(embedding.shape).toEqual([16, 2048]);
    embedding.dispose();
    model.dispose();
  });

  it('self-supervised (BYOL): loss falls; the target is the EMA of the online network', () => {
    const model = createParadigm('self-supervised', { seed: 2, learningRate: 1e-3 }) as SelfSupervisedParadigm;
    const before = model.exportWeights();
    expect(before['target.encoder.conv1.weight'].data).toEqual(before['encoder.conv1.weight'].data);
    const small: TrainingBatch = { x: tf.slice(batch.x, [0, 0, 0, 0], [8, -1, -1, -1]) };
    const losses: number[] = [];
    for (let step = 0; step < 12; step += 1) losses.push(model.trainStep(small).loss);
    expect(mean(losses.slice(-3))).toBeLessThan(mean(losses.slice(0, 3)));

    const previous = model.exportWeights();
    model.trainStep(small);
    small.x.dispose();
    const after = model.exportWeights();
    for (const name of ['encoder.conv2.weight', 'projector.fc1.weight', 'projector.bn.weight']) {
      const online = after[name].data;
      const target = after[`target.${name}`].data;
      const oldTarget = previous[`target.${name}`].data;
      for (const i of [0, 7, 101]) {
        expect(target[i]).toBeCloseTo(0.99 * oldTarget[i] + 0.01 * online[i], 6);
      }
    }
    // the predictor has no target copy
    expect(after['target.predictor.fc1.weight']).toBeUndefined();
    model.dispose();
  });

  it('weights and optimizer state round-trip: same outputs, same next step', () => {
    const a = createParadigm('weakly-supervised', { seed: 3 });
    a.trainStep(batch);
    const b = createParadigm('weakly-supervised', { seed: 4 });
    b.importWeights(a.exportWeights());
    b.importOptimizerState(a.exportOptimizerState());
    const ea = a.encode(batch.x);
    const eb = b.encode(batch.x);
    expect(Array.from(eb.dataSync())).toEqual(Array.from(ea.dataSync()));
    ea.dispose();
    eb.dispose();
    const la = a.trainStep(batch).loss;
    const lb = b.trainStep(batch).loss;
    expect(lb).toBe(la);
    const wa = a.exportWeights();
    const wb = b.exportWeights();
    for (const name of Object.keys(wa)) expect(differences(wb[name].data, wa[name].data), name).toBe(0);
    expect(b.exportOptimizerState().step).toBe(2);
    a.dispose();
    b.dispose();
  });

  it('BYOL checkpoints carry the target network', () => {
    const a = createParadigm('self-supervised', { seed: 5 });
    a.trainStep(batch);
    const b = createParadigm('self-supervised', { seed: 6 });
    b.importCheckpoint(a.exportCheckpoint());
    const wa = a.exportWeights();
    const wb = b.exportWeights();
    expect(Object.keys(wb).sort()).toEqual(Object.keys(wa).sort());
    for (const name of Object.keys(wa)) expect(differences(wb[name].data, wa[name].data), name).toBe(0);
    const other = createParadigm('unsupervised');
    expect(() => other.importCheckpoint(a.exportCheckpoint())).toThrow(/self-supervised/);
    other.dispose();
    a.dispose();
    b.dispose();
  });

  it('does not leak tensors across steps', () => {
    const small: TrainingBatch = { x: tf.slice(batch.x, [0, 0, 0, 0], [4, -1, -1, -1]), labels: tf.slice(batch.labels!, [0], [4]) };
    for (const name of ['weakly-supervised', 'self-supervised'] as const) {
      const model = createParadigm(name, { seed: 7 });
      model.trainStep(small); // creates the optimizer moments
      const count = tf.memory().numTensors;
      for (let i = 0; i < 3; i += 1) model.trainStep(small);
      expect(tf.memory().numTensors).toBe(count);
      model.dispose();
    }
    disposeBatch(small);
  });
});
