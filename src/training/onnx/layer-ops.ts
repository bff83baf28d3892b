import type { TrainingGraph } from './training-graph';

/**
 * Forward and backward operations of the networks' layers (networks/*.ts), all written as
 * forward ONNX operators: activations are NCHW inside the graph, weights keep the checkpoint
 * layout (conv HWIO [3,3,cin,cout], dense [in,out]) at the graph's edge.
 */

export interface ConvState {
  name: string;
  /** the filter as ONNX wants it: OIHW */
  oihw: string;
  input: string;
  /** pre-activation output */
  z: string;
}

const SAME_PADS = [1, 1, 1, 1];

/** A 3x3 'same' convolution + bias; the graph parameters `${name}.weight` (HWIO) and `${name}.bias`. */
export function convForward(t: TrainingGraph, name: string, input: string): ConvState {
  const { g } = t;
  const weight = `${name}.weight`;
  const bias = `${name}.bias`;
  const oihw = g.op('Transpose', [weight], { perm: [3, 2, 0, 1] });
  const z = g.op('Conv', [input, oihw, bias], { kernel_shape: [3, 3], pads: SAME_PADS });
  return { name, oihw, input, z };
}

/**
 * Gradients of a convolution from dz (the gradient at its pre-activation): dW as a convolution
 * of the input with the batch as channels and dz as the filter, db a sum, and dX (unless the
 * input is data) as a transposed convolution with the same filter. Returns dX or null.
 */
export function convBackward(t: TrainingGraph, conv: ConvState, dz: string, inputGrad: boolean): string | null {
  const { g } = t;
  const xT = g.op('Transpose', [conv.input], { perm: [1, 0, 2, 3] });
  const dzT = g.op('Transpose', [dz], { perm: [1, 0, 2, 3] });
  // [cin, cout, 3, 3] -> HWIO
  const dW = g.op('Transpose', [g.op('Conv', [xT, dzT], { pads: SAME_PADS })], { perm: [2, 3, 0, 1] });
  t.grad(`${conv.name}.weight`, dW);
  t.grad(`${conv.name}.bias`, g.op('ReduceSum', [dz, g.int64([0, 2, 3])], { keepdims: 0 }));
  if (!inputGrad) return null;
  return g.op('ConvTranspose', [dz, conv.oihw], { kernel_shape: [3, 3], pads: SAME_PADS });
}

export function relu(t: TrainingGraph, x: string): string {
  return t.g.op('Relu', [x]);
}

/** dy where y = relu(x) > 0, else 0 (tfjs's step(0) = 0). */
export function reluBackward(t: TrainingGraph, y: string, dy: string): string {
  const { g } = t;
  return g.op('Where', [g.op('Greater', [y, g.float(0)]), dy, g.float(0)]);
}

export function maxPool(t: TrainingGraph, x: string): string {
  return t.g.op('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2] });
}

/** Nearest-neighbour x2 upsample (nn.Upsample(scale_factor=2)). */
export function upsample2(t: TrainingGraph, x: string): string {
  const { g } = t;
  return g.op('Resize', [x, '', g.float([1, 1, 2, 2], [4])], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
}

/** Sum of each 2x2 block: the gradient of upsample2. */
export function upsample2Backward(t: TrainingGraph, dy: string): string {
  const { g } = t;
  return g.op('Mul', [g.op('AveragePool', [dy], { kernel_shape: [2, 2], strides: [2, 2] }), g.float(4)]);
}

/**
 * 2x2 max-pool gradient: dy routed to the inputs equal to their window's maximum. SpaceToDepth
 * lays the four positions of every window out as four [c,h,w] blocks, so the comparison with
 * the pooled map and the product with dy broadcast over whole blocks, then DepthToSpace puts
 * them back. (An upsampled copy via Resize was 30% of a weakly-supervised step; a 6-d window
 * view broadcast over its size-1 axes made Where several times slower still.)
 */
export function maxPoolBackward(t: TrainingGraph, input: string, pooled: string, dy: string, shape: readonly [number, number, number, number]): string {
  const { g } = t;
  const [n, c, h, w] = shape;
  const blocks = g.op('Reshape', [g.op('SpaceToDepth', [input], { blocksize: 2 }), g.int64([n, 4, c, h / 2, w / 2])]);
  const perBlock = g.int64([n, 1, c, h / 2, w / 2]);
  const isMax = g.op('Cast', [g.op('Equal', [blocks, g.op('Reshape', [pooled, perBlock])])], { to: 1 });
  const routed = g.op('Mul', [isMax, g.op('Reshape', [dy, perBlock])]);
  return g.op('DepthToSpace', [g.op('Reshape', [routed, g.int64([n, 4 * c, h / 2, w / 2])])], { blocksize: 2, mode: 'DCR' });
}

export interface DenseState {
  name: string;
  input: string;
  y: string;
}

/** x W + b with the graph parameters `${name}.weight` [in,out] and `${name}.bias`. */
export function denseForward(t: TrainingGraph, name: string, input: string): DenseState {
  return { name, input, y: t.g.op('Gemm', [input, `${name}.weight`, `${name}.bias`]) };
}

export function denseBackward(t: TrainingGraph, dense: DenseState, dy: string, inputGrad = true): string | null {
  const { g } = t;
  t.grad(`${dense.name}.weight`, g.op('Gemm', [dense.input, dy], { transA: 1 }));
  t.grad(`${dense.name}.bias`, g.op('ReduceSum', [dy, g.int64([0])], { keepdims: 0 }));
  return inputGrad ? g.op('Gemm', [dy, `${dense.name}.weight`], { transB: 1 }) : null;
}

export function leakyRelu(t: TrainingGraph, x: string, alpha: number): string {
  return t.g.op('LeakyRelu', [x], { alpha: { float: alpha } });
}

export function leakyReluBackward(t: TrainingGraph, x: string, dy: string, alpha: number): string {
  const { g } = t;
  return g.op('Where', [g.op('Greater', [x, g.float(0)]), dy, g.op('Mul', [dy, g.float(alpha)])]);
}

/** [n,c,h,w] -> [n, h*w*c] in the (height, width, channel) order of the tfjs representation. */
export function flattenHwc(t: TrainingGraph, x: string, n: number, dim: number): string {
  const { g } = t;
  return g.op('Reshape', [g.op('Transpose', [x], { perm: [0, 2, 3, 1] }), g.int64([n, dim])]);
}

export function unflattenHwc(t: TrainingGraph, x: string, shape: readonly [number, number, number, number]): string {
  const { g } = t;
  const [n, h, w, c] = shape;
  return g.op('Transpose', [g.op('Reshape', [x, g.int64([n, h, w, c])])], { perm: [0, 3, 1, 2] });
}

/**
 * Mean cross-entropy of logits [n,k] against one-hot rows: the loss and its gradient
 * (softmax - onehot) / n.
 */
export function crossEntropy(t: TrainingGraph, logits: string, onehot: string, n: number): { loss: string; dLogits: string } {
  const { g } = t;
  const logProbs = g.op('LogSoftmax', [logits], { axis: 1 });
  const loss = g.op('Neg', [g.op('ReduceMean', [g.op('ReduceSum', [g.op('Mul', [onehot, logProbs]), g.int64([1])], { keepdims: 0 })], { keepdims: 0 })]);
  const dLogits = g.op('Div', [g.op('Sub', [g.op('Exp', [logProbs]), onehot]), g.float(n)]);
  return { loss, dLogits };
}

/**
 * Mean binary cross-entropy of sigmoid(logits) against targets (losses.ts): the stable
 * form max(z,0) - x z + log(1 + exp(-|z|)) and its gradient (sigmoid(z) - x) / size.
 */
export function binaryCrossEntropy(t: TrainingGraph, logits: string, targets: string, size: number): { loss: string; dLogits: string } {
  const { g } = t;
  const softplus = g.op('Softplus', [g.op('Neg', [g.op('Abs', [logits])])]);
  const perPixel = g.op('Add', [g.op('Sub', [g.op('Relu', [logits]), g.op('Mul', [targets, logits])]), softplus]);
  const loss = g.op('ReduceMean', [perPixel], { keepdims: 0 });
  const dLogits = g.op('Div', [g.op('Sub', [g.op('Sigmoid', [logits]), targets]), g.float(size)]);
  return { loss, dLogits };
}
