import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../../../src/training/checkpoint-codec';
import type { ParadigmCheckpoint } from '../../../src/training/paradigms/trainable-paradigm';

describe('checkpoint codec', () => {
  it('round-trips weights, optimizer moments and step exactly', () => {
    const checkpoint: ParadigmCheckpoint = {
      paradigm: 'regularized',
      inputChannels: 1,
      weights: {
        'encoder.conv1.weight': { shape: [3, 3, 1, 2], data: Float32Array.from({ length: 18 }, (_, i) => i / 7 - 1) },
        'head.fc2.bias': { shape: [2], data: Float32Array.of(Number.MIN_VALUE, -0) },
      },
      optimizer: { step: 42, moments: { 'head.fc2.bias.m': { shape: [2], data: Float32Array.of(1e-30, 3) } } },
    };
    const decoded = decodeCheckpoint(encodeCheckpoint(checkpoint));
    expect(decoded.paradigm).toBe('regularized');
    expect(decoded.optimizer.step).toBe(42);
    expect(decoded.weights['encoder.conv1.weight'].shape).toEqual([3, 3, 1, 2]);
    expect(Array.from(decoded.weights['encoder.conv1.weight'].data)).toEqual(Array.from(checkpoint.weights['encoder.conv1.weight'].data));
    expect(Object.is(decoded.weights['head.fc2.bias'].data[1], -0)).toBe(true);
    expect(Array.from(decoded.optimizer.moments['head.fc2.bias.m'].data)).toEqual([Math.fround(1e-30), 3]);
  });

  it('rejects foreign or truncated buffers', () => {
    expect(() => decodeCheckpoint(Buffer.from('nope'))).toThrow(/not a morphospace checkpoint/);
    const buffer = encodeCheckpoint({
      paradigm: 'unsupervised',
      inputChannels: 1,
      weights: { w: { shape: [4], data: new Float32Array(4) } },
      optimizer: { step: 0, moments: {} },
    });
    expect(() => decodeCheckpoint(buffer.subarray(0, buffer.length - 4))).toThrow(/truncated/);
  });

  it('records the channels the network takes; a checkpoint from before channels takes one', () => {
    const checkpoint: ParadigmCheckpoint = { paradigm: 'unsupervised', inputChannels: 3, weights: {}, optimizer: { step: 0, moments: {} } };
    expect(decodeCheckpoint(encodeCheckpoint(checkpoint)).inputChannels).toBe(3);
    const buffer = encodeCheckpoint({ ...checkpoint, inputChannels: 1 });
    const old = Buffer.from(buffer.toString('latin1').replace('"inputChannels":1,', ' '.repeat(18)), 'latin1');
    expect(old.includes('inputChannels')).toBe(false);
    expect(decodeCheckpoint(old).inputChannels).toBe(1);
  });
});
