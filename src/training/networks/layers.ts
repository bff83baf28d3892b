import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from '../../util/seeded-random';
import type { ParameterSet } from './parameter-set';
import { BIAS_GRAD, RELU_BIAS_GRAD } from '../kernels/bias-grad.kernel';
import { POOL_RELU_BIAS_GRAD } from '../kernels/pool-relu-bias-grad.kernel';
import { FIRST_LAYER_FILTER_GRAD } from '../kernels/first-layer-filter-grad.kernel';
import '../gradients/register-training-gradients';

/** A stride-1 'same' convolution, as every conv layer here is. */
const SAME_CONV = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] };

/** [dx, dw] of a 'same' convolution from the gradient at its pre-activation; dx is zeros for the first layer (the images need none). */
function convGrads(g: tf.Tensor, x: tf.Tensor, w: tf.Tensor, inputGrad: boolean): [tf.Tensor, tf.Tensor] {
  const dx = inputGrad ? (tf.engine().runKernel('Conv2DBackpropInput', { dy: g, filter: w }, { ...SAME_CONV, inputShape: x.shape }) as tf.Tensor) : tf.zerosLike(x);
  const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: g }, { ...SAME_CONV, filterShape: w.shape }) as tf.Tensor;
  return [dx, dw];
}

/** [dy masked by ReLU(y) > 0 (or dy), bias gradient]: one fused kernel where registered. */
function activationAndBiasGrad(dy: tf.Tensor, y: tf.Tensor | null): [tf.Tensor, tf.Tensor] {
  const backend = tf.getBackend();
  if (y) {
    if (tf.getKernel(RELU_BIAS_GRAD, backend)) {
      return tf.engine().runKernel(RELU_BIAS_GRAD, { dy, y }, {}) as unknown as [tf.Tensor, tf.Tensor];
    }
    const g = tf.mul(dy, tf.step(y));
    return [g, tf.sum(g, [0, 1, 2])];
  }
  if (tf.getKernel(BIAS_GRAD, backend)) return [dy, tf.engine().runKernel(BIAS_GRAD, { dy }, {}) as tf.Tensor];
  return [dy, tf.sum(dy, [0, 1, 2])];
}

/** 3x3 'same' convolution (NHWC), stride 1, like nn.Conv2d(cin, cout, 3, padding=1). */
export interface Conv3x3 {
  weight: tf.Variable;
  bias: tf.Variable;
}

export function conv3x3(params: ParameterSet, name: string, cin: number, cout: number, rng: SeededRandom): Conv3x3 {
  const fanIn = cin * 9;
  return {
    weight: params.uniform(`${name}.weight`, [3, 3, cin, cout], fanIn, rng),
    bias: params.uniform(`${name}.bias`, [cout], fanIn, rng),
  };
}

/** `inputGrad: false` for a network's first layer: its input is data, dX is never used. */
export function applyConv(layer: Conv3x3, x: tf.Tensor4D, relu: boolean, inputGrad = true): tf.Tensor4D {
  const op = relu ? (inputGrad ? convBiasRelu : convBiasReluNoInputGrad) : inputGrad ? convBias : convBiasNoInputGrad;
  return op(x, layer.weight as tf.Tensor4D, layer.bias);
}

/**
 * conv + bias (+ ReLU) as one FusedConv2D kernel in the forward pass, also while
 * training: tfjs-core's fused op falls back to three unfused ops whenever a gradient is
 * being recorded and the activation is not linear.
 */
function fusedConv(relu: boolean, inputGrad: boolean): (x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor) => tf.Tensor4D {
  return tf.customGrad(((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, w, b, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor, tf.GradSaveFunc];
    const y = tf.engine().runKernel(
      'FusedConv2D',
      { x, filter: w, bias: b },
      { ...SAME_CONV, activation: relu ? 'relu' : 'linear' },
    ) as tf.Tensor4D;
    save(relu ? [x, w, y] : [x, w]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw, sy] = saved;
        const [g, db] = activationAndBiasGrad(dy, relu ? sy : null);
        return [...convGrads(g, sx, sw, inputGrad), db];
      },
    };
  }) as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor) => tf.Tensor4D;
}

const convBiasRelu = fusedConv(true, true);
const convBias = fusedConv(false, true);
const convBiasReluNoInputGrad = fusedConv(true, false);
const convBiasNoInputGrad = fusedConv(false, false);

export interface Dense {
  weight: tf.Variable;
  bias: tf.Variable;
}

export function dense(params: ParameterSet, name: string, nIn: number, nOut: number, rng: SeededRandom): Dense {
  return {
    weight: params.uniform(`${name}.weight`, [nIn, nOut], nIn, rng),
    bias: params.uniform(`${name}.bias`, [nOut], nIn, rng),
  };
}

/** x W + b, one _FusedMatMul kernel forward; tfjs-core's own gradient for the linear case. */
export function applyDense(layer: Dense, x: tf.Tensor2D): tf.Tensor2D {
  return tf.fused.matMul({ a: x, b: layer.weight as tf.Tensor2D, bias: layer.bias, activation: 'linear' }) as tf.Tensor2D;
}

export interface BatchNorm {
  gamma: tf.Variable;
  beta: tf.Variable;
}

export function batchNorm(params: ParameterSet, name: string, dim: number): BatchNorm {
  return { gamma: params.constant(`${name}.weight`, [dim], 1), beta: params.constant(`${name}.bias`, [dim], 0) };
}

/**
 * Training-mode batch norm (nn.BatchNorm1d, eps 1e-5, biased variance) with statistics
 * taken separately over each of `groups` equal slices of the batch, so two BYOL views
 * pushed through one call are normalised as two separate calls would be.
 */
export function applyBatchNorm(layer: BatchNorm, x: tf.Tensor2D, groups = 1): tf.Tensor2D {
  const [n, d] = x.shape;
  const grouped = tf.reshape(x, [groups, n / groups, d]);
  const { mean, variance } = tf.moments(grouped, 1, true);
  const normalised = tf.mul(tf.sub(grouped, mean), tf.rsqrt(tf.add(variance, 1e-5)));
  return tf.add(tf.mul(tf.reshape(normalised, [n, d]), layer.gamma), layer.beta) as tf.Tensor2D;
}

/**
 * maxpool2(relu(conv(x) + b)) computed as relu(maxpool2(conv(x) + b)): the same values
 * (ReLU is monotonic) and the same gradient, but the ReLU mask and the bias gradient are
 * taken on the pooled tensor, a quarter of the size. ReLU mask, bias gradient and the
 * max-pool route by the pre-pool values are one pass; for a single-channel first layer
 * (no input gradient) the filter gradient comes straight from the pooled gradient too,
 * without materialising the pre-pool one.
 */
export function applyConvReluPool(layer: Conv3x3, x: tf.Tensor4D, inputGrad = true): tf.Tensor4D {
  return (inputGrad ? convReluPool : convReluPoolNoInputGrad)(x, layer.weight as tf.Tensor4D, layer.bias);
}

function fusedConvReluPool(inputGrad: boolean): (x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor) => tf.Tensor4D {
  const poolAttrs = { filterSize: [2, 2], strides: [2, 2], pad: 'valid' };
  return tf.customGrad(((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, w, b, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor, tf.GradSaveFunc];
    const z = tf.engine().runKernel('FusedConv2D', { x, filter: w, bias: b }, { ...SAME_CONV, activation: 'linear' }) as tf.Tensor4D;
    const p = tf.engine().runKernel('MaxPool', { x: z }, poolAttrs) as tf.Tensor4D;
    save([x, w, z, p]);
    return {
      value: tf.relu(p),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw, sz, sp] = saved;
        const backend = tf.getBackend();
        const fast = tf.getKernel(POOL_RELU_BIAS_GRAD, backend) !== undefined && sz.shape[1]! % 2 === 0 && sz.shape[2]! % 2 === 0;
        if (!inputGrad && fast && sx.shape[3] === 1 && tf.getKernel(FIRST_LAYER_FILTER_GRAD, backend)) {
          const [dw, db] = tf.engine().runKernel(FIRST_LAYER_FILTER_GRAD, { dy, p: sp, z: sz, x: sx }, {}) as unknown as [tf.Tensor, tf.Tensor];
          return [tf.zerosLike(sx), dw, db];
        }
        let g: tf.Tensor;
        let db: tf.Tensor;
        if (fast) {
          [g, db] = tf.engine().runKernel(POOL_RELU_BIAS_GRAD, { dy, z: sz }, {}) as unknown as [tf.Tensor, tf.Tensor];
        } else {
          const [dp, dbias] = activationAndBiasGrad(dy, sp);
          g = tf.engine().runKernel('MaxPoolGrad', { dy: dp, input: sz, output: sp }, poolAttrs) as tf.Tensor;
          db = dbias;
        }
        return [...convGrads(g, sx, sw, inputGrad), db];
      },
    };
  }) as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor) => tf.Tensor4D;
}

const convReluPool = fusedConvReluPool(true);
const convReluPoolNoInputGrad = fusedConvReluPool(false);

/**
 * nn.Upsample(scale_factor=2), nearest. Its gradient sums each 2x2 block of dy: four
 * times a 2x2/2 average pool, which XNNPACK runs in one pass. (A reshape and a sum over
 * the two inner axes made the wasm backend transpose the whole gradient first: 4x slower.)
 */
export const upsample2 = tf.customGrad(((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as tf.Tensor4D;
  const [, h, w] = x.shape;
  return {
    value: tf.image.resizeNearestNeighbor(x, [h * 2, w * 2]),
    gradFunc: (dy: tf.Tensor) => tf.mul(tf.avgPool(dy as tf.Tensor4D, 2, 2, 'valid'), 4),
  };
}) as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor4D) => tf.Tensor4D;
