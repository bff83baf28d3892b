import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { selectBackend } from '../../../src/training/backend';
import { OnnxTrainingStep } from '../../../src/training/onnx/onnx-training-step';
import { TrainingRuntimeUnavailableError } from '../../../src/training/onnx/training-runtime-unavailable.error';
import { createParadigm } from '../../../src/training/paradigms/create-paradigm';
import { checkForcedTrainingRuntime, openTrainingStep } from '../../../src/training/training-runtime.selector';
import { SeededRandom } from '../../../src/util/seeded-random';

const ROWS = 2;

function batch(seed: string): { pixels: Float32Array; labels: Int32Array; rows: number } {
  const rng = new SeededRandom(seed);
  return { pixels: Float32Array.from({ length: ROWS * 64 * 64 }, () => rng.next()), labels: Int32Array.of(0, 1), rows: ROWS };
}

describe('the training runtime', () => {
  let dir: string;
  let brokenModule: string;
  const options = { threads: 1, learningRate: 1e-3, batchRows: ROWS };

  beforeAll(async () => {
    await selectBackend({ backend: 'wasm', threads: 1 });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'training-runtime-'));
    // what a missing or broken native library looks like to the loader
    brokenModule = path.join(dir, 'broken-onnxruntime.js');
    await fs.writeFile(brokenModule, "throw new Error('libonnxruntime.so.1: cannot open shared object file: No such file or directory');\n");
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('auto takes onnxruntime where it loads, BYOL included; wasm takes tfjs', async () => {
    const warn = vi.fn();
    const weakly = createParadigm('weakly-supervised', { seed: 1 });
    const step = await openTrainingStep(weakly.exportCheckpoint(), { ...options, runtime: 'auto', warn });
    expect(step).toBeInstanceOf(OnnxTrainingStep);
    await step!.release();
    const byol = createParadigm('self-supervised', { seed: 1 });
    const byolStep = await openTrainingStep(byol.exportCheckpoint(), { ...options, runtime: 'auto', warn });
    expect(byolStep).toBeInstanceOf(OnnxTrainingStep);
    await byolStep!.release();
    expect(warn).not.toHaveBeenCalled();
    expect(await openTrainingStep(weakly.exportCheckpoint(), { ...options, runtime: 'wasm', warn })).toBeNull();
    weakly.dispose();
    byol.dispose();
  });

  it('auto falls back to tfjs with one warning when the native library fails to load; a forced onnx is an error naming why', async () => {
    const paradigm = createParadigm('unsupervised', { seed: 1 });
    const warn = vi.fn();
    expect(await openTrainingStep(paradigm.exportCheckpoint(), { ...options, runtime: 'auto', onnxModule: brokenModule, warn })).toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/onnxruntime-node is unavailable \(libonnxruntime\.so\.1: cannot open shared object file.*\); training with tfjs/);
    const forced = openTrainingStep(paradigm.exportCheckpoint(), { ...options, runtime: 'onnx', onnxModule: brokenModule, warn });
    await expect(forced).rejects.toBeInstanceOf(TrainingRuntimeUnavailableError);
    await expect(forced).rejects.toThrow(/MORPHOSPACE_TRAINING_RUNTIME=onnx.*libonnxruntime/);
    expect(() => checkForcedTrainingRuntime('onnx', brokenModule)).toThrow(TrainingRuntimeUnavailableError);
    expect(() => checkForcedTrainingRuntime('auto', brokenModule)).not.toThrow();
    paradigm.dispose();
  });

  for (const paradigmName of ['weakly-supervised', 'regularized', 'self-supervised'] as const) {
    it(`shares checkpoints (${paradigmName}): a run started on onnx resumes on tfjs and the other way, taking the same next step`, async () => {
      const start = createParadigm(paradigmName, { seed: 2, learningRate: 1e-3 });
      const onnx = await OnnxTrainingStep.open(start.exportCheckpoint(), options);
      await onnx.train(batch('first'));
      const afterOnnx = onnx.exportCheckpoint();
      // same names, shapes and optimiser entries as the tfjs path writes
      expect(Object.keys(afterOnnx.weights).sort()).toEqual(Object.keys(start.exportWeights()).sort());
      const resumedOnTfjs = createParadigm(paradigmName, { seed: 99, learningRate: 1e-3 });
      resumedOnTfjs.importCheckpoint(afterOnnx);
      const second = batch('second');
      const x = tf.tensor4d(second.pixels, [ROWS, 64, 64, 1]);
      const labels = tf.tensor1d(second.labels, 'int32');
      const onTfjs = resumedOnTfjs.trainStep({ x, labels });
      const onOnnx = await onnx.train(second);
      expect(onOnnx.loss).toBeCloseTo(onTfjs.loss, 4);
      expect(resumedOnTfjs.exportOptimizerState().step).toBe(2);

      // and back: tfjs's checkpoint opens on onnx at step 2
      const back = await OnnxTrainingStep.open(resumedOnTfjs.exportCheckpoint(), options);
      expect(back.exportCheckpoint().optimizer.step).toBe(2);
      const third = batch('third');
      const x3 = tf.tensor4d(third.pixels, [ROWS, 64, 64, 1]);
      const labels3 = tf.tensor1d(third.labels, 'int32');
      expect((await back.train(third)).loss).toBeCloseTo(resumedOnTfjs.trainStep({ x: x3, labels: labels3 }).loss, 4);
      for (const t of [x, labels, x3, labels3]) t.dispose();
      await onnx.release();
      await back.release();
      start.dispose();
      resumedOnTfjs.dispose();
    }, 60_000);
  }
});
