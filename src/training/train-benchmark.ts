import * as tf from '@tensorflow/tfjs-core';
import type { Paradigm } from './setups';
import { createParadigm } from './paradigms/create-paradigm';
import type { TrainingBatch } from './paradigms/trainable-paradigm';
import { SeededRandom } from '../util/seeded-random';

export interface TrainBenchmarkOptions {
  seconds: number;
  batch: number;
  /** untimed steps first (kernel setup, XNNPACK operator caches) */
  warmupSteps?: number;
}

export interface TrainBenchmarkResult {
  imagesPerSecond: number;
  /** process CPU time per 1,000 images: what carries over from a loaded machine to a quiet one */
  cpuSecondsPer1000Images: number;
  steps: number;
  secondsMeasured: number;
  finalLoss: number;
}

/** The benchmark's batch: n uniform random 64x64 crops and random drug/control labels, seeded per paradigm. */
export function benchmarkWorkload(paradigm: Paradigm, n: number): { pixels: Float32Array; labels: Int32Array } {
  const rng = new SeededRandom(`bench-train-${paradigm}`);
  const pixels = new Float32Array(n * 64 * 64);
  for (let i = 0; i < pixels.length; i += 1) pixels[i] = rng.next();
  return { pixels, labels: Int32Array.from({ length: n }, () => rng.int(0, 2)) };
}

/**
 * The workload of ../shared/bench/torch_reference.py: one fixed batch of uniform random
 * 64x64 crops with random drug/control labels, Adam 1e-4, as many steps as fit.
 */
export function benchmarkTraining(paradigm: Paradigm, options: TrainBenchmarkOptions): TrainBenchmarkResult {
  const n = options.batch;
  const { pixels, labels } = benchmarkWorkload(paradigm, n);
  const batch: TrainingBatch = {
    x: tf.tensor4d(pixels, [n, 64, 64, 1]),
    labels: tf.tensor1d(labels, 'int32'),
  };
  const model = createParadigm(paradigm, { seed: 0 });
  try {
    let loss = 0;
    for (let i = 0; i < (options.warmupSteps ?? 1); i += 1) loss = model.trainStep(batch).loss;
    const budget = options.seconds * 1000;
    const started = performance.now();
    const startedCpu = process.cpuUsage();
    let steps = 0;
    while (performance.now() - started < budget) {
      loss = model.trainStep(batch).loss;
      steps += 1;
    }
    const elapsed = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(startedCpu);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    return { imagesPerSecond: (steps * n) / elapsed, cpuSecondsPer1000Images: (cpuSeconds / (steps * n)) * 1000, steps, secondsMeasured: elapsed, finalLoss: loss };
  } finally {
    model.dispose();
    batch.x.dispose();
    batch.labels?.dispose();
  }
}
