import { PHASES } from './phase-ops';
import { channelMajor, SAME_3X3_SHIFTS, shiftedProducts } from './tap-products';
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
 * Gradients of a convolution from dz (the gradient at its pre-activation): dW, db a sum, and
 * dX (unless the input is data). Returns dX or null.
 */
export function convBackward(t: TrainingGraph, conv: ConvState, dz: string, inputGrad: boolean): string | null {
  const { g } = t;
  t.grad(`${conv.name}.weight`, convWeightGrad(t, conv, dz));
  t.grad(`${conv.name}.bias`, g.op('ReduceSum', [dz, g.int64([0, 2, 3])], { keepdims: 0 }));
  if (!inputGrad) return null;
  // the transposed convolution as a forward one, with the filter flipped and its in/out axes
  // swapped: onnxruntime's ConvTranspose is a GEMM then a col2im pass, several times slower
  // for the decoder's 64 -> 1 output layer and slower for the 64 -> 64 one
  const iohw = g.op('Transpose', [conv.oihw], { perm: [1, 0, 2, 3] });
  const flipped = g.op('Slice', [iohw, g.int64([2, 2]), g.int64([-4, -4]), g.int64([2, 3]), g.int64([-1, -1])]);
  return g.op('Conv', [dz, flipped], { kernel_shape: [3, 3], pads: SAME_PADS });
}

/** dW of a 3x3 'same' convolution: its nine tap products stack straight into HWIO. */
function convWeightGrad(t: TrainingGraph, conv: ConvState, dz: string): string {
  const { g } = t;
  const [, , cin, cout] = t.shapeOf(`${conv.name}.weight`);
  const taps = shiftedProducts(t, channelMajor(t, conv.input), channelMajor(t, dz), cin, cout, SAME_3X3_SHIFTS);
  return g.op('Reshape', [g.op('Concat', taps, { axis: 0 }), g.int64([3, 3, cin, cout])]);
}

export function relu(t: TrainingGraph, x: string): string {
  return t.g.op('Relu', [x]);
}

/**
 * dy where y = relu(x) > 0, else 0 (tfjs's step(0) = 0). Where over a Greater mask measured
 * about twice as fast as Mul(dy, Sign(y)) or Mul(dy, Cast(Greater)) here (4M values, one thread).
 */
export function reluBackward(t: TrainingGraph, y: string, dy: string): string {
  const { g } = t;
  return g.op('Where', [g.op('Greater', [y, g.float(0)]), dy, g.float(0)]);
}

/** Each pooled map's argmax indices, for maxPoolBackward: the graph is built by name, so they are kept beside it. */
const poolIndices = new WeakMap<TrainingGraph, Map<string, string>>();

export function maxPool(t: TrainingGraph, x: string): string {
  const [pooled, indices] = t.g.opOutputs('MaxPool', [x], 2, { kernel_shape: [2, 2], strides: [2, 2] });
  const known = poolIndices.get(t) ?? new Map<string, string>();
  known.set(pooled, indices);
  poolIndices.set(t, known);
  return pooled;
}

export interface InputBlockState {
  name: string;
  /** the relu(conv) map at each of the four positions of a pooling window, [n,cout,h/2,w/2] each */
  phases: string[];
  /** each phase's 3x3 input patches, [n, 9*cin, h/2*w/2] */
  patches: string[];
  pooled: string;
}

/**
 * maxPool(relu(conv(x))) for the first layer (x data with few channels), computed per position
 * of the 2x2 pooling window: each phase is a 1x1 convolution of that phase's 3x3 patches (a
 * stride-2 convolution with an identity filter), and the pool an element-wise Max of the four.
 * The full-resolution map is never materialised, so the gradient needs no max-pool route at
 * 64x64: MaxPool with indices (its non-MLAS kernel) and MaxUnpool were half a
 * weakly-supervised step.
 */
export function inputBlockForward(t: TrainingGraph, name: string, input: string, shape: readonly [number, number, number, number]): InputBlockState {
  const { g } = t;
  const [n, , h, w] = shape;
  const [, , cin, cout] = t.shapeOf(`${name}.weight`);
  const identity = g.float(identityPatchFilter(cin), [9 * cin, cin, 3, 3]);
  const pointwise = g.op('Reshape', [g.op('Transpose', [g.op('Reshape', [`${name}.weight`, g.int64([9 * cin, cout])])], { perm: [1, 0] }), g.int64([cout, 9 * cin, 1, 1])]);
  const phases: string[] = [];
  const patches: string[] = [];
  for (const [i, j] of PHASES) {
    const p = g.op('Conv', [input, identity], { kernel_shape: [3, 3], strides: [2, 2], pads: [1 - i, 1 - j, i, j] });
    phases.push(g.op('Relu', [g.op('Conv', [p, pointwise, `${name}.bias`], { kernel_shape: [1, 1] })]));
    patches.push(g.op('Reshape', [p, g.int64([n, 9 * cin, (h / 2) * (w / 2)])]));
  }
  return { name, phases, patches, pooled: g.op('Max', phases) };
}

/**
 * The block's weight and bias gradients from dPooled (the gradient at its output): the ReLU
 * mask on the pooled map, each phase's share where it holds the window's maximum, and dW as
 * a batched product of those shares with the phase's patches, summed over phases and batch.
 */
export function inputBlockBackward(t: TrainingGraph, block: InputBlockState, dPooled: string): void {
  const { g } = t;
  const [, , cin, cout] = t.shapeOf(`${block.name}.weight`);
  const dz = reluBackward(t, block.pooled, dPooled);
  const flatDz = g.int64([0, cout, -1]);
  const products = block.phases.map((phase, k) => {
    const share = g.op('Where', [g.op('Equal', [phase, block.pooled]), dz, g.float(0)]);
    return g.op('MatMul', [g.op('Reshape', [share, flatDz]), g.op('Transpose', [block.patches[k]], { perm: [0, 2, 1] })]);
  });
  const perImage = g.op('Sum', products);
  const dW = g.op('Transpose', [g.op('ReduceSum', [perImage, g.int64([0])], { keepdims: 0 })], { perm: [1, 0] });
  t.grad(`${block.name}.weight`, g.op('Reshape', [dW, g.int64([3, 3, cin, cout])]));
  t.grad(`${block.name}.bias`, g.op('ReduceSum', [dz, g.int64([0, 2, 3])], { keepdims: 0 }));
}

/** [9*cin, cin, 3, 3]: output channel tap*cin + c copies input channel c at that tap (HWI order, as the weights). */
function identityPatchFilter(cin: number): number[] {
  const values = new Array<number>(81 * cin * cin).fill(0);
  for (let tap = 0; tap < 9; tap += 1) {
    for (let c = 0; c < cin; c += 1) values[((tap * cin + c) * cin + c) * 9 + tap] = 1;
  }
  return values;
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
 * 2x2 max-pool gradient: dy written to each window's argmax (MaxPool's indices), zeros
 * elsewhere. MaxUnpool is exactly that adjoint, one pass over dy plus zeroing the output.
 * The first maximum of a window gets the gradient, as tfjs's maxPoolGrad; the input is kept
 * in the signature for callers, the indices carry what it was needed for.
 */
export function maxPoolBackward(t: TrainingGraph, _input: string, pooled: string, dy: string, shape: readonly [number, number, number, number]): string {
  const { g } = t;
  const indices = poolIndices.get(t)?.get(pooled);
  if (!indices) throw new Error(`${pooled} is not a maxPool output of this graph`);
  return g.op('MaxUnpool', [dy, indices, g.int64([...shape])], { kernel_shape: [2, 2], strides: [2, 2] });
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
