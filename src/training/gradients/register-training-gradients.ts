import * as tf from '@tensorflow/tfjs-core';
import { backend_util, getGradient, registerGradient, util, type GradConfig, type NamedAttrMap, type Tensor } from '@tensorflow/tfjs-core';

/**
 * Gradients of the kernels our networks differentiate through.
 *
 * tfjs-core's Node entry (tf-core.node.js) registers no gradients: they live in its ESM
 * build (dist/register_all_gradients.js), whose extensionless imports Node cannot load,
 * and @tensorflow/tfjs (which bundles them) is not a dependency. So the training engine
 * registers the ones it needs, leaving any already registered alone.
 */
function reduceTo(grad: Tensor, shape: number[]): Tensor {
  const axes = backend_util.getReductionAxes(shape, grad.shape);
  const reduced = axes.length > 0 ? tf.sum(grad, axes) : grad;
  return tf.reshape(reduced, shape);
}

function expandReduced(dy: Tensor, x: Tensor, attrs: NamedAttrMap): { dy: Tensor; count: number } {
  const axes = util.parseAxisParam(attrs.axis as number | number[], x.shape);
  const [, reduceShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
  const expanded = x.shape.slice();
  for (const axis of axes) expanded[axis] = 1;
  // a broadcasting multiply: the wasm Tile behind tf.broadcastTo is a slow generic loop
  return { dy: tf.mul(tf.reshape(dy, expanded), tf.onesLike(x)), count: util.sizeFromShape(reduceShape) };
}

const binary = (
  kernelName: string,
  da: (dy: Tensor, a: Tensor, b: Tensor) => Tensor,
  db: (dy: Tensor, a: Tensor, b: Tensor) => Tensor,
): GradConfig => ({
  kernelName,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved) => {
    const [a, b] = saved;
    const g = dy as Tensor;
    return { a: () => reduceTo(da(g, a, b), a.shape), b: () => reduceTo(db(g, a, b), b.shape) };
  },
});

const CONFIGS: GradConfig[] = [
  binary(tf.Add, (dy) => dy, (dy) => dy),
  binary(tf.Sub, (dy) => dy, (dy) => tf.neg(dy)),
  binary(tf.Multiply, (dy, _a, b) => tf.mul(dy, tf.cast(b, 'float32')), (dy, a) => tf.mul(dy, tf.cast(a, 'float32'))),
  binary(
    tf.RealDiv,
    (dy, _a, b) => tf.div(dy, b),
    (dy, a, b) => tf.neg(tf.div(tf.mul(dy, a), tf.square(b))),
  ),
  binary(
    tf.SquaredDifference,
    (dy, a, b) => tf.mul(dy, tf.mul(2, tf.sub(a, b))),
    (dy, a, b) => tf.mul(dy, tf.mul(2, tf.sub(b, a))),
  ),
  binary(
    tf.Maximum,
    (dy, a, b) => tf.mul(dy, tf.cast(tf.greaterEqual(a, b), 'float32')),
    (dy, a, b) => tf.mul(dy, tf.cast(tf.less(a, b), 'float32')),
  ),
  { kernelName: tf.Neg, gradFunc: (dy) => ({ x: () => tf.neg(dy as Tensor) }) },
  { kernelName: tf.Identity, gradFunc: (dy) => ({ x: () => tf.clone(dy as Tensor) }) },
  { kernelName: tf.Cast, gradFunc: (dy) => ({ x: () => tf.clone(dy as Tensor) }) },
  {
    kernelName: tf.Reshape,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => tf.reshape(dy as Tensor, saved[0].shape) }),
  },
  {
    kernelName: tf.Relu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => tf.mul(dy as Tensor, tf.step(saved[0])) }),
  },
  {
    kernelName: tf.LeakyRelu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => ({
      x: () => tf.where(tf.greater(saved[0], 0), dy as Tensor, tf.mul(dy as Tensor, attrs.alpha as number)),
    }),
  },
  {
    kernelName: tf.Square,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => tf.mul(dy as Tensor, tf.mul(saved[0], 2)) }),
  },
  {
    kernelName: tf.Sqrt,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => tf.div(dy as Tensor, tf.mul(tf.sqrt(saved[0]), 2)) }),
  },
  {
    kernelName: tf.Rsqrt,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => tf.neg(tf.div(dy as Tensor, tf.mul(tf.pow(saved[0], 1.5), 2))) }),
  },
  {
    kernelName: tf.Sum,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => ({ x: () => expandReduced(dy as Tensor, saved[0], attrs).dy }),
  },
  {
    kernelName: tf.Mean,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => ({
      x: () => {
        const { dy: expanded, count } = expandReduced(dy as Tensor, saved[0], attrs);
        return tf.div(expanded, count);
      },
    }),
  },
  {
    kernelName: tf.Concat,
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const axis = util.parseAxisParam(attrs.axis as number, saved[0].shape)[0];
      const parts = tf.split(dy as Tensor, saved.map((t) => t.shape[axis]), axis);
      return Object.fromEntries(parts.map((part, i) => [String(i), () => part]));
    },
  },
  {
    kernelName: tf.Slice,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0];
      const [begin, size] = tf.slice_util.parseSliceParams(x, attrs.begin as number[], attrs.size as number[]);
      const paddings = x.shape.map((d, i) => [begin[i], d - begin[i] - size[i]] as [number, number]);
      return { x: () => tf.pad(dy as Tensor, paddings) };
    },
  },
  {
    kernelName: tf.MaxPool,
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, y] = saved;
      return {
        x: () =>
          tf.engine().runKernel(
            tf.MaxPoolGrad,
            { dy: dy as Tensor, input: x, output: y },
            {
              filterSize: attrs.filterSize,
              strides: attrs.strides,
              pad: attrs.pad,
              dimRoundingMode: attrs.dimRoundingMode,
            },
          ) as Tensor,
      };
    },
  },
];

let registered = false;

export function registerTrainingGradients(): void {
  if (registered) return;
  for (const config of CONFIGS) {
    if (!getGradient(config.kernelName)) registerGradient(config);
  }
  registered = true;
}

registerTrainingGradients();
