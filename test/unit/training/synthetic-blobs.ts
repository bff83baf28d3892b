import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom } from '../../../src/util/seeded-random';
import type { TrainingBatch } from '../../../src/training/paradigms/trainable-paradigm';

/**
 * 64x64 grey crops with learnable structure: one soft blob on a noisy background,
 * bright and large for "drug" (label 1), dim and small for "control" (label 0).
 */
export function blobBatch(n: number, seed: string): TrainingBatch {
  const rng = new SeededRandom(seed);
  const pixels = new Float32Array(n * 64 * 64);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i += 1) {
    const drug = i % 2 === 1;
    labels[i] = drug ? 1 : 0;
    const cy = rng.uniform(20, 44);
    const cx = rng.uniform(20, 44);
    const radius = drug ? rng.uniform(10, 13) : rng.uniform(5, 8);
    const peak = drug ? rng.uniform(0.75, 0.95) : rng.uniform(0.35, 0.5);
    for (let y = 0; y < 64; y += 1) {
      for (let x = 0; x < 64; x += 1) {
        const d2 = ((y - cy) ** 2 + (x - cx) ** 2) / (radius * radius);
        const v = 0.05 + peak * Math.exp(-d2) + rng.uniform(-0.03, 0.03);
        pixels[i * 4096 + y * 64 + x] = Math.min(1, Math.max(0, v));
      }
    }
  }
  return { x: tf.tensor4d(pixels, [n, 64, 64, 1]), labels: tf.tensor1d(labels, 'int32') };
}

export function disposeBatch(batch: TrainingBatch): void {
  batch.x.dispose();
  batch.labels?.dispose();
  batch.x2?.dispose();
}

export function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
