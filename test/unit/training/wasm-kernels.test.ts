import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/training/backend';
import { applyConv, applyConvReluPool, conv3x3, upsample2 } from '../../../src/training/networks/layers';
import { ParameterSet } from '../../../src/training/networks/parameter-set';
import { SeededRandom } from '../../../src/util/seeded-random';
import { filterGradientByImageGemm } from '../../../src/training/kernels/filter-grad-by-image-gemm';
import type { WasmBackendInternals } from '../../../src/training/kernels/wasm-kernel-utils';

/**
 * Every 3x3 'same' convolution of the networks: [n, h, w, cin] -> cout, channels exactly
 * as in the networks. The cpu backend's reference backprop kernels are naive loops (a
 * full-size decoder layer takes minutes), so the spatial size is reduced where the
 * channel count is large; the kernels' padding logic does not depend on it.
 */
const CONV_SHAPES: Array<{ layer: string; n: number; h: number; cin: number; cout: number }> = [
  { layer: 'encoder.conv1', n: 2, h: 64, cin: 1, cout: 64 },
  { layer: 'encoder.conv2', n: 1, h: 16, cin: 64, cout: 32 },
  { layer: 'encoder.conv3', n: 1, h: 16, cin: 32, cout: 16 },
  { layer: 'encoder.conv4', n: 2, h: 16, cin: 16, cout: 8 },
  { layer: 'decoder.conv1', n: 2, h: 16, cin: 8, cout: 32 },
  { layer: 'decoder.conv2', n: 1, h: 16, cin: 32, cout: 64 },
  { layer: 'decoder.conv3', n: 1, h: 32, cin: 64, cout: 64 },
  { layer: 'decoder.conv4', n: 1, h: 32, cin: 64, cout: 1 },
];

function randomArray(size: number, rng: SeededRandom, signed = true): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i += 1) out[i] = signed ? rng.uniform(-1, 1) : rng.next();
  return out;
}

/** Runs fn on a backend with tensors built there from plain arrays; returns plain arrays. */
async function on(backend: 'cpu' | 'wasm', fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => fn().map((t) => Float32Array.from(t.dataSync() as Float32Array)));
}

function relativeError(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < expected.length; i += 1) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    maxRef = Math.max(maxRef, Math.abs(expected[i]));
  }
  return maxDiff / Math.max(maxRef, 1e-12);
}

/**
 * sum(apply(layer, x) * r) for a fresh 3x3 conv layer: the loss, its weight gradients and
 * (with inputGrad) dx, computed on cpu and on wasm, each within 1e-4 of the other.
 */
async function expectLayerGradientsMatch(
  seed: string,
  s: { n: number; h: number; cin: number; cout: number; outH: number; inputGrad: boolean },
  apply: (layer: ReturnType<typeof conv3x3>, x: tf.Tensor4D) => tf.Tensor4D,
): Promise<void> {
  const rng = new SeededRandom(seed);
  const xs = randomArray(s.n * s.h * s.h * s.cin, rng);
  const r = randomArray(s.n * s.outH * s.outH * s.cout, rng);
  const run = () => {
    const params = new ParameterSet();
    const layer = conv3x3(params, 'c', s.cin, s.cout, new SeededRandom('w'));
    const x = tf.tensor4d(xs, [s.n, s.h, s.h, s.cin]);
    const weights = tf.tensor4d(r, [s.n, s.outH, s.outH, s.cout]);
    const f = (input: tf.Tensor4D) => tf.sum(tf.mul(apply(layer, input), weights)) as tf.Scalar;
    const { value, grads } = tf.variableGrads(() => f(x), params.list());
    const out = [value, ...params.list().map((v) => grads[v.name])];
    if (s.inputGrad) out.push(tf.grad((input: tf.Tensor) => f(input as tf.Tensor4D))(x));
    const kept = out.map((t) => tf.keep(t.clone()));
    params.dispose();
    return kept;
  };
  const cpu = await on('cpu', run);
  const wasm = await on('wasm', run);
  for (let i = 0; i < cpu.length; i += 1) expect(relativeError(wasm[i], cpu[i])).toBeLessThan(1e-4);
}

describe('wasm training kernels against the cpu backend', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm', threads: 1 });
  });

  for (const s of CONV_SHAPES) {
    it(`Conv2DBackpropInput and Conv2DBackpropFilter, ${s.layer} [${s.n},${s.h},${s.h},${s.cin}] -> ${s.cout}`, async () => {
      const rng = new SeededRandom(s.layer);
      const xShape = [s.n, s.h, s.h, s.cin] as [number, number, number, number];
      const wShape = [3, 3, s.cin, s.cout] as [number, number, number, number];
      const dyShape = [s.n, s.h, s.h, s.cout];
      const x = randomArray(xShape.reduce((a, b) => a * b), rng);
      const w = randomArray(wShape.reduce((a, b) => a * b), rng);
      const dy = randomArray(dyShape.reduce((a, b) => a * b), rng);
      const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] };
      const run = () => [
        tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(dy, dyShape), filter: tf.tensor(w, wShape) }, { ...attrs, inputShape: xShape }) as tf.Tensor,
        tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor(x, xShape), dy: tf.tensor(dy, dyShape) }, { ...attrs, filterShape: wShape }) as tf.Tensor,
      ];
      const [dxCpu, dwCpu] = await on('cpu', run);
      const [dxWasm, dwWasm] = await on('wasm', run);
      expect(relativeError(dxWasm, dxCpu)).toBeLessThan(1e-4);
      expect(relativeError(dwWasm, dwCpu)).toBeLessThan(1e-4);
    });
  }

  it('the conv + bias + ReLU layer gradient (fused backward kernel) matches the cpu backend', async () => {
    await expectLayerGradientsMatch('layer', { n: 2, h: 16, cin: 16, cout: 32, outH: 16, inputGrad: true }, (layer, x) => applyConv(layer, x, true));
  });

  for (const s of [
    { layer: 'encoder block 1 (first layer: no input gradient)', n: 1, h: 64, cin: 1, cout: 64, inputGrad: false },
    { layer: 'encoder block 2', n: 1, h: 16, cin: 64, cout: 32, inputGrad: true },
  ]) {
    it(`conv + bias -> ReLU -> maxpool block gradient, ${s.layer}`, async () => {
      await expectLayerGradientsMatch(s.layer, { ...s, outH: s.h / 2 }, (layer, x) => applyConvReluPool(layer, x, s.inputGrad));
    });
  }

  for (const s of [
    { n: 3, h: 64, c: 64 },
    { n: 3, h: 32, c: 32 },
  ]) {
    it(`MaxPoolGrad 2x2/2 on [${s.n},${s.h},${s.h},${s.c}]`, async () => {
      const rng = new SeededRandom(`pool${s.h}`);
      const shape = [s.n, s.h, s.h, s.c];
      const x = randomArray(shape.reduce((a, b) => a * b), rng);
      const dy = randomArray((s.n * s.h * s.h * s.c) / 4, rng);
      const run = () =>
        [tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(input as tf.Tensor4D, 2, 2, 'valid'), tf.tensor(dy, [s.n, s.h / 2, s.h / 2, s.c]))))(tf.tensor(x, shape))];
      const [cpu] = await on('cpu', run);
      const [wasm] = await on('wasm', run);
      expect(relativeError(wasm, cpu)).toBeLessThan(1e-6);
    });
  }

  for (const [transposeA, transposeB] of [
    [true, false],
    [false, true],
    [true, true],
  ]) {
    it(`BatchMatMul with transposeA=${transposeA} transposeB=${transposeB} (dense-layer gradient shapes)`, async () => {
      const rng = new SeededRandom(`mm${transposeA}${transposeB}`);
      const a = randomArray(64 * 2048, rng);
      const b = randomArray(2048 * 256, rng);
      const aShape = transposeA ? [2048, 64] : [64, 2048];
      const bShape = transposeB ? [256, 2048] : [2048, 256];
      const run = () => [tf.matMul(tf.tensor2d(a, aShape as [number, number]), tf.tensor2d(b, bShape as [number, number]), transposeA, transposeB)];
      const [cpu] = await on('cpu', run);
      const [wasm] = await on('wasm', run);
      expect(relativeError(wasm, cpu)).toBeLessThan(1e-4);
    });
  }

  for (const s of [
    { what: 'shifted input, several groups', n: 5, h: 9, w: 11, cin: 6, cout: 10, k: 3, pad: 'same', groupFloats: 2000 },
    { what: 'shifted input, valid padding, 5x3 filter', n: 3, h: 12, w: 10, cin: 4, cout: 8, k: [5, 3], pad: 'valid', groupFloats: 1 << 18 },
    { what: 'shifted gradient (one output channel), several groups', n: 4, h: 10, w: 10, cin: 16, cout: 1, k: 3, pad: 'same', groupFloats: 1500 },
  ] as const) {
    it(`dW by image GEMM (${s.what}) matches the cpu backend`, async () => {
      const rng = new SeededRandom(`gemm-dw-${s.what}`);
      const [kh, kw] = typeof s.k === 'number' ? [s.k, s.k] : s.k;
      const xShape = [s.n, s.h, s.w, s.cin] as [number, number, number, number];
      const wShape = [kh, kw, s.cin, s.cout] as [number, number, number, number];
      const info = tf.backend_util.computeConv2DInfo(xShape, wShape, 1, 1, s.pad);
      const dyShape = [s.n, info.outHeight, info.outWidth, s.cout];
      const x = randomArray(xShape.reduce((a, b) => a * b), rng);
      const dy = randomArray(dyShape.reduce((a, b) => a * b), rng);
      const attrs = { strides: [1, 1], pad: s.pad, dataFormat: 'NHWC', dilations: [1, 1], filterShape: wShape };
      const [cpu] = await on('cpu', () => [
        tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor(x, xShape), dy: tf.tensor(dy, dyShape) }, attrs) as tf.Tensor,
      ]);
      const [wasm] = await on('wasm', () => {
        const xt = tf.tensor(x, xShape);
        const dyt = tf.tensor(dy, dyShape);
        const out = filterGradientByImageGemm(tf.backend() as WasmBackendInternals, xt, dyt, info, s.groupFloats);
        return [tf.engine().makeTensorFromTensorInfo(out)];
      });
      expect(relativeError(wasm, cpu)).toBeLessThan(1e-5);
    });
  }

  it('the nearest-neighbour upsampling gradient (2x2 block sums) matches the cpu backend', async () => {
    const rng = new SeededRandom('upsample');
    const x = randomArray(2 * 8 * 8 * 32, rng);
    const weights = randomArray(2 * 16 * 16 * 32, rng);
    const run = () => [
      tf.grad((input: tf.Tensor) => tf.sum(tf.mul(upsample2(input as tf.Tensor4D), tf.tensor(weights, [2, 16, 16, 32]))))(
        tf.tensor(x, [2, 8, 8, 32]),
      ),
    ];
    const [cpu] = await on('cpu', run);
    const [wasm] = await on('wasm', run);
    expect(relativeError(wasm, cpu)).toBeLessThan(1e-6);
  });

  it('Identity (tfjs clones saved tensors with it) shares data and keeps it alive after the original is disposed', async () => {
    await tf.setBackend('wasm');
    const original = tf.tensor([1, 2, 3, 4], [2, 2]);
    const copy = tf.clone(original);
    original.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3, 4]);
    copy.dispose();
  });

  for (const s of [
    { what: "3x3 'same', linear (the decoder's last layer)", k: [3, 3], pad: 'same', activation: 'linear' },
    { what: "5x3 'valid', ReLU", k: [5, 3], pad: 'valid', activation: 'relu' },
  ] as const) {
    it(`FusedConv2D with one output channel, ${s.what}, matches the cpu backend`, async () => {
      const rng = new SeededRandom(`single-${s.what}`);
      const xShape = [2, 10, 12, 16];
      const wShape = [s.k[0], s.k[1], 16, 1];
      const x = randomArray(2 * 10 * 12 * 16, rng);
      const w = randomArray(s.k[0] * s.k[1] * 16, rng);
      const run = () => [
        tf.engine().runKernel(
          'FusedConv2D',
          { x: tf.tensor(x, xShape), filter: tf.tensor(w, wShape), bias: tf.tensor([0.3]) },
          { strides: [1, 1], pad: s.pad, dataFormat: 'NHWC', dilations: [1, 1], activation: s.activation },
        ) as tf.Tensor,
      ];
      const [cpu] = await on('cpu', run);
      const [wasm] = await on('wasm', run);
      expect(relativeError(wasm, cpu)).toBeLessThan(1e-5);
    });
  }
});
