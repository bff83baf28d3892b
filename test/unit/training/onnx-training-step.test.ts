import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src/training/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NamedArray } from '../../../src/training/networks/parameter-set';
import { OnnxTrainingStep } from '../../../src/training/onnx/onnx-training-step';
import { adamScalars } from '../../../src/training/onnx/training-graph';
import { ONNX_PARADIGMS } from '../../../src/training/onnx/paradigm.graphs';
import { createParadigm } from '../../../src/training/paradigms/create-paradigm';
import type { TrainableParadigm } from '../../../src/training/paradigms/trainable-paradigm';
import { SeededRandom } from '../../../src/util/seeded-random';

const ROWS = 2;
const LR = 1e-3;

/** A small batch of smooth random crops (a pixel-noise batch would make every max-pool window a near tie). */
function batchOf(seed: string): { pixels: Float32Array; labels: Int32Array } {
  const rng = new SeededRandom(seed);
  const pixels = new Float32Array(ROWS * 64 * 64);
  for (let i = 0; i < pixels.length; i += 1) pixels[i] = rng.next();
  return { pixels, labels: Int32Array.from({ length: ROWS }, (_, i) => i % 2) };
}

/** max |a - b| / max |b|: the error relative to the gradient's scale, per layer. */
function relativeError(a: NamedArray, b: NamedArray): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.data.length; i += 1) {
    diff = Math.max(diff, Math.abs(a.data[i] - b.data[i]));
    scale = Math.max(scale, Math.abs(b.data[i]));
  }
  return diff / scale;
}

/**
 * The reference is the tfjs wasm path, whose gradient kernels wasm-kernels.test.ts holds to the
 * cpu backend within 1e-5: the cpu backend itself took 40-50 s for one batch-2 step here, too
 * slow for a unit test.
 */
describe('ONNX training steps against the tfjs path', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm', threads: 1 });
  });
  const opened: OnnxTrainingStep[] = [];
  afterAll(async () => {
    for (const step of opened) await step.release();
  });

  for (const paradigm of ONNX_PARADIGMS) {
    it(`${paradigm}: every layer's gradient within 1e-4 relative, the same loss, Adam's update in the graph`, async () => {
      const reference: TrainableParadigm = createParadigm(paradigm, { seed: 3, learningRate: LR });
      const before = reference.exportCheckpoint();
      const native = await OnnxTrainingStep.open(before, { threads: 1, learningRate: LR, batchRows: ROWS });
      opened.push(native);
      const { pixels, labels } = batchOf(`grad-${paradigm}`);
      const x = tf.tensor4d(pixels, [ROWS, 64, 64, 1]);
      const y = tf.tensor1d(labels, 'int32');
      const expected = reference.trainStep({ x, labels: y });
      const actual = await native.train({ pixels, labels, rows: ROWS });
      x.dispose();
      y.dispose();
      expect(actual.loss).toBeCloseTo(expected.loss, 5);
      for (const [term, value] of Object.entries(expected.terms)) expect(actual.terms[term]).toBeCloseTo(value, 5);

      // after one step from zero moments, m = (1 - beta1) g: the first moments are the gradients, scaled
      const want = reference.exportCheckpoint();
      const got = native.exportCheckpoint();
      expect(got.optimizer.step).toBe(1);
      const names = reference.parameterNames();
      expect(names.length).toBeGreaterThan(0);
      const { stepSize, sqrtBc2 } = adamScalars(1, LR);
      let worst = 0;
      for (const name of names) {
        const m = got.optimizer.moments[`${name}.m`];
        const v = got.optimizer.moments[`${name}.v`];
        const error = relativeError(m, want.optimizer.moments[`${name}.m`]);
        worst = Math.max(worst, error);
        expect(error, `gradient of ${name}`).toBeLessThan(1e-4);
        expect(relativeError(v, want.optimizer.moments[`${name}.v`]), `second moment of ${name}`).toBeLessThan(3e-4);
        // the in-graph Adam update, recomputed in double from the graph's own moments
        const w0 = before.weights[name].data;
        const w1 = got.weights[name];
        expect(w1.shape).toEqual(want.weights[name].shape);
        let updateError = 0;
        for (let i = 0; i < w0.length; i += 1) {
          const wanted = w0[i] - stepSize * (m.data[i] / (Math.sqrt(v.data[i]) / sqrtBc2 + 1e-8));
          updateError = Math.max(updateError, Math.abs(w1.data[i] - wanted));
        }
        expect(updateError, `Adam update of ${name}`).toBeLessThan(1e-3 * LR);
      }
      console.log(JSON.stringify({ paradigm, worstGradientRelativeError: worst }));
      reference.dispose();
    }, 60_000);
  }
});
