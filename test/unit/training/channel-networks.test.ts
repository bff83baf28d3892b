import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/training/backend';
import { decodeCheckpoint, encodeCheckpoint } from '../../../src/training/checkpoint-codec';
import { createParadigm } from '../../../src/training/paradigms/create-paradigm';
import type { TrainingBatch } from '../../../src/training/paradigms/trainable-paradigm';
import { applyConvReluPool, conv3x3 } from '../../../src/training/networks/layers';
import { ParameterSet } from '../../../src/training/networks/parameter-set';
import { PARADIGMS } from '../../../src/training/setups';
import { SeededRandom } from '../../../src/util/seeded-random';
import { blobBatch, disposeBatch, mean } from './synthetic-blobs';

/** The blob batch with the blob in channel 0, its negative in channel 1 and noise-free zeros in channel 2. */
function threeChannelBatch(n: number, seed: string): TrainingBatch {
  const grey = blobBatch(n, seed);
  const x = tf.tidy(() => tf.concat([grey.x, tf.sub(1, grey.x), tf.zerosLike(grey.x)], 3) as tf.Tensor4D);
  grey.x.dispose();
  return { x, labels: grey.labels };
}

describe('networks on C-channel images', () => {
  let batch: TrainingBatch;

  beforeAll(async () => {
    await selectBackend({ backend: 'wasm', threads: 1 });
    batch = threeChannelBatch(4, 'channels');
  });
  afterAll(() => disposeBatch(batch));

  it('widen the first layer and the decoder output to C, and every paradigm trains and encodes', () => {
    for (const paradigm of PARADIGMS) {
      const model = createParadigm(paradigm, { seed: 1, learningRate: 1e-3, inputChannels: 3 });
      const weights = model.exportWeights();
      expect(weights['encoder.conv1.weight'].shape).toEqual([3, 3, 3, 64]);
      expect(weights['encoder.conv2.weight'].shape).toEqual([3, 3, 64, 32]);
      if (weights['decoder.conv4.weight']) expect(weights['decoder.conv4.weight'].shape).toEqual([3, 3, 64, 3]);
      const loss = model.trainStep(batch).loss;
      expect(Number.isFinite(loss), paradigm).toBe(true);
      const code = model.encode(batch.x);
      expect(code.shape).toEqual([4, 2048]);
      code.dispose();
      model.dispose();
    }
  });

  it('trains the autoencoder down on 3 channels, with a gradient on every input channel', () => {
    const model = createParadigm('unsupervised', { seed: 2, learningRate: 1e-3, inputChannels: 3 });
    const losses: number[] = [];
    for (let step = 0; step < 10; step += 1) losses.push(model.trainStep(batch).loss);
    expect(mean(losses.slice(-3))).toBeLessThan(mean(losses.slice(0, 3)));
    model.dispose();
  });

  it('computes the 3-channel first layer gradient on wasm as the cpu backend does', async () => {
    const gradients = async (backend: 'wasm' | 'cpu') => {
      await selectBackend({ backend, threads: 1 });
      const rng = new SeededRandom('first-layer');
      const params = new ParameterSet(true);
      const layer = conv3x3(params, 'conv1', 3, 8, rng);
      const x = tf.tensor4d(Float32Array.from({ length: 2 * 16 * 16 * 3 }, () => rng.uniform(0, 1)), [2, 16, 16, 3]);
      const weights = tf.tensor4d(Float32Array.from({ length: 2 * 8 * 8 * 8 }, () => rng.uniform(-1, 1)), [2, 8, 8, 8]);
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(applyConvReluPool(layer, x, false), weights)) as tf.Scalar, params.list());
      const out = [...(grads[layer.weight.name].dataSync() as Float32Array), ...(grads[layer.bias.name].dataSync() as Float32Array)];
      tf.dispose([x, weights, ...Object.values(grads)]);
      params.dispose();
      return out;
    };
    const cpu = await gradients('cpu');
    const wasm = await gradients('wasm');
    expect(cpu.some((g) => g !== 0)).toBe(true);
    cpu.forEach((g, i) => expect(Math.abs(wasm[i] - g)).toBeLessThan(1e-4 * (1 + Math.abs(g))));
  });

  it('refuses a checkpoint or weights for another channel count, with both counts in the message', () => {
    const three = createParadigm('unsupervised', { seed: 4, inputChannels: 3 });
    const grey = createParadigm('unsupervised', { seed: 4 });
    const checkpoint = decodeCheckpoint(encodeCheckpoint(three.exportCheckpoint()));
    expect(checkpoint.inputChannels).toBe(3);
    expect(() => grey.importCheckpoint(checkpoint)).toThrow(/3-channel images, this screen has 1 channels/);
    expect(() => grey.importWeights(three.exportWeights())).toThrow(/take 3-channel images, this network 1-channel/);
    three.importCheckpoint(checkpoint);
    three.dispose();
    grey.dispose();
  });

  it('initialises a grey network exactly as before channels', () => {
    const model = createParadigm('regularized', { seed: 5 });
    const hash = createHash('sha256');
    for (const [name, { shape, data }] of Object.entries(model.exportWeights())) hash.update(`${name}${shape}`).update(Buffer.from(data.buffer));
    model.dispose();
    expect(hash.digest('hex')).toBe('ca3e648afe167d3710cddf1792ad208cb350b46226c9ef1c01eeb4cb330b6713');
  });
});
