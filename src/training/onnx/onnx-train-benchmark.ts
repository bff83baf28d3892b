import type { Paradigm } from '../setups';
import { createParadigm } from '../paradigms/create-paradigm';
import type { TrainBenchmarkOptions, TrainBenchmarkResult } from '../train-benchmark';
import { benchmarkWorkload } from '../train-benchmark';
import { OnnxTrainingStep } from './onnx-training-step';

/**
 * benchmarkTraining's workload (the same batch, weights and Adam settings) on the ONNX step:
 * the tfjs paradigm only draws the initial weights.
 */
export async function benchmarkOnnxTraining(paradigm: Paradigm, options: TrainBenchmarkOptions & { threads: number }): Promise<TrainBenchmarkResult> {
  const { pixels, labels } = benchmarkWorkload(paradigm, options.batch);
  const model = createParadigm(paradigm, { seed: 0 });
  const checkpoint = model.exportCheckpoint();
  model.dispose();
  const step = await OnnxTrainingStep.open(checkpoint, { threads: options.threads, learningRate: 1e-4, batchRows: options.batch });
  try {
    const batch = { pixels, labels, rows: options.batch };
    let loss = 0;
    for (let i = 0; i < (options.warmupSteps ?? 1); i += 1) loss = (await step.train(batch)).loss;
    const budget = options.seconds * 1000;
    const started = performance.now();
    const startedCpu = process.cpuUsage();
    let steps = 0;
    while (performance.now() - started < budget) {
      loss = (await step.train(batch)).loss;
      steps += 1;
    }
    const elapsed = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(startedCpu);
    const images = steps * options.batch;
    return { imagesPerSecond: images / elapsed, cpuSecondsPer1000Images: ((cpu.user + cpu.system) / 1e6 / images) * 1000, steps, secondsMeasured: elapsed, finalLoss: loss };
  } finally {
    await step.release();
  }
}
