import { channelMajor, SAME_3X3_SHIFTS, shiftedProducts } from './tap-products';
import type { TrainingGraph } from './training-graph';

/**
 * The decoder's last two convolutions at 32x32 in "phase layout": a 64x64 map kept as its four
 * 32x32 phases, phase (a,b) holding the pixels (2i+a, 2j+b), in SpaceToDepth's order. A 3x3
 * convolution of a nearest-upsampled map is, per output phase, a 2x2 convolution of the small
 * map (the taps that read the same source pixel summed): 4/9 of the multiply-adds, forward and
 * backward, and no upsampled copy. The next convolution reads the phases directly.
 */

/** The phases (a,b) of a 2x2 window, in SpaceToDepth's channel order. */
export const PHASES = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
] as const;

/** Which row of its 2x2 kernel the 3x3 tap ky lands in, for output phase a (upsampleConv). */
const rowOf = (a: number, ky: number): number => (ky === 0 ? 0 : ky === 2 ? 1 : 1 - a);

/** [2,3]: the sum of 3x3 kernel rows into 2x2 ones for phase a; flipped: its rows reversed. */
function tapSum(a: number, flipped: boolean): number[] {
  const m: number[] = [];
  for (let r = 0; r < 2; r += 1) for (let ky = 0; ky < 3; ky += 1) m.push(rowOf(a, ky) === (flipped ? 1 - r : r) ? 1 : 0);
  return m;
}

function transpose2x3(m: number[]): number[] {
  return [0, 1, 2].flatMap((c) => [m[c], m[3 + c]]);
}

export interface UpsampleConvState {
  name: string;
  input: string;
  /** relu(conv(upsample2(input))) as its four phases, [n,cout,h,w] each */
  phases: string[];
}

/** relu(conv3x3(upsample2(x))) with the graph parameters `${name}.weight` (HWIO) and `.bias`, as four phases. */
export function upsampleConvForward(t: TrainingGraph, name: string, input: string): UpsampleConvState {
  const { g } = t;
  const oihw = g.op('Transpose', [`${name}.weight`], { perm: [3, 2, 0, 1] });
  const phases = PHASES.map(([a, b]) => {
    const kernel = g.op('MatMul', [g.op('MatMul', [g.float(tapSum(a, false), [2, 3]), oihw]), g.float(transpose2x3(tapSum(b, false)), [3, 2])]);
    return g.op('Relu', [g.op('Conv', [input, kernel, `${name}.bias`], { kernel_shape: [2, 2], pads: [1 - a, 1 - b, a, b] })]);
  });
  return { name, input, phases };
}

/** From the gradients at each phase's pre-activation: dW (back through the tap sums), db, and the input's gradient. */
export function upsampleConvBackward(t: TrainingGraph, conv: UpsampleConvState, dz: string[]): string {
  const { g } = t;
  const [, , cin, cout] = t.shapeOf(`${conv.name}.weight`);
  const iohw = g.op('Transpose', [`${conv.name}.weight`], { perm: [2, 3, 0, 1] });
  const xT = channelMajor(t, conv.input);
  const products = PHASES.map(([a, b], p) =>
    shiftedProducts(t, xT, channelMajor(t, dz[p]), cin, cout, [0, 1].flatMap((r) => [0, 1].map((c) => [r - 1 + a, c - 1 + b] as const))),
  );
  const taps: string[] = [];
  for (let ky = 0; ky < 3; ky += 1) {
    for (let kx = 0; kx < 3; kx += 1) taps.push(g.op('Sum', PHASES.map(([a, b], p) => products[p][rowOf(a, ky) * 2 + rowOf(b, kx)])));
  }
  t.grad(`${conv.name}.weight`, g.op('Reshape', [g.op('Concat', taps, { axis: 0 }), g.int64([3, 3, cin, cout])]));
  t.grad(`${conv.name}.bias`, g.op('Sum', dz.map((d) => g.op('ReduceSum', [d, g.int64([0, 2, 3])], { keepdims: 0 }))));
  // each phase's 2x2 convolution transposed: a forward one with the kernel flipped, in/out swapped, pads mirrored
  return g.op(
    'Sum',
    PHASES.map(([a, b], p) => {
      const flipped = g.op('MatMul', [g.op('MatMul', [g.float(tapSum(a, true), [2, 3]), iohw]), g.float(transpose2x3(tapSum(b, true)), [3, 2])]);
      return g.op('Conv', [dz[p], flipped], { kernel_shape: [2, 2], pads: [a, b, 1 - a, 1 - b] });
    }),
  );
}

/**
 * [2(output phase), 3(low-res row offset + 1), 3(tap row)] per input phase p: the 3x3 tap ky of
 * output phase a reads input phase (a + ky - 1) mod 2 at row offset floor((a + ky - 1) / 2).
 */
function phaseRoute(p: number, transposed: boolean): number[] {
  const m: number[] = [];
  for (let a = 0; a < 2; a += 1) {
    for (let i = 0; i < 3; i += 1) {
      for (let j = 0; j < 3; j += 1) {
        const [s, ky] = transposed ? [j, i] : [i, j];
        m.push(a + ky - 1 === 2 * (s - 1) + p ? 1 : 0);
      }
    }
  }
  return m;
}

export interface PhaseConvState {
  name: string;
  phases: string[];
  /** per input phase, the [4*cout, cin, 3, 3] filter onto all four output phases */
  kernels: string[];
  /** the output's phases stacked, [n, 4*cout, h, w] */
  out: string;
}

/** conv3x3 (+ bias, no activation) of a map in phase layout, its output in phase layout. */
export function phaseConvForward(t: TrainingGraph, name: string, phases: string[]): PhaseConvState {
  const { g } = t;
  const [, , cin, cout] = t.shapeOf(`${name}.weight`);
  const weight = g.op('Reshape', [g.op('Transpose', [`${name}.weight`], { perm: [3, 2, 0, 1] }), g.int64([1, 1, cout, cin, 3, 3])]);
  const kernels = PHASES.map(([p, q]) => {
    const rows = g.op('MatMul', [g.float(phaseRoute(p, false), [2, 1, 1, 1, 3, 3]), weight]);
    const both = g.op('MatMul', [rows, g.float(phaseRoute(q, true), [1, 2, 1, 1, 3, 3])]);
    return g.op('Reshape', [both, g.int64([4 * cout, cin, 3, 3])]);
  });
  const bias = g.op('Tile', [`${name}.bias`, g.int64([4])]);
  const parts = phases.map((phase, i) => g.op('Conv', i === 0 ? [phase, kernels[i], bias] : [phase, kernels[i]], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }));
  return { name, phases, kernels, out: g.op('Sum', parts) };
}

/** From the gradient at the output (phase layout): dW, db, and the gradient at each input phase. */
export function phaseConvBackward(t: TrainingGraph, conv: PhaseConvState, dz: string): string[] {
  const { g } = t;
  const [, , cin, cout] = t.shapeOf(`${conv.name}.weight`);
  const dzT = channelMajor(t, dz);
  const perPhase = PHASES.map(([p, q], i) => {
    const taps = shiftedProducts(t, channelMajor(t, conv.phases[i]), dzT, cin, 4 * cout, SAME_3X3_SHIFTS);
    const hwio = g.op('Reshape', [g.op('Concat', taps, { axis: 0 }), g.int64([3, 3, cin, 4 * cout])]);
    const dKernel = g.op('Reshape', [g.op('Transpose', [hwio], { perm: [3, 2, 0, 1] }), g.int64([2, 2, cout, cin, 3, 3])]);
    const rows = g.op('MatMul', [g.float(phaseRoute(p, true), [2, 1, 1, 1, 3, 3]), dKernel]);
    return g.op('ReduceSum', [g.op('MatMul', [rows, g.float(phaseRoute(q, false), [1, 2, 1, 1, 3, 3])]), g.int64([0, 1])], { keepdims: 0 });
  });
  t.grad(`${conv.name}.weight`, g.op('Transpose', [g.op('Sum', perPhase)], { perm: [2, 3, 1, 0] }));
  const perOutputPhase = g.op('Reshape', [g.op('ReduceSum', [dz, g.int64([0, 2, 3])], { keepdims: 0 }), g.int64([4, cout])]);
  t.grad(`${conv.name}.bias`, g.op('ReduceSum', [perOutputPhase, g.int64([0])], { keepdims: 0 }));
  return conv.kernels.map((kernel) => {
    const iohw = g.op('Transpose', [kernel], { perm: [1, 0, 2, 3] });
    const flipped = g.op('Slice', [iohw, g.int64([2, 2]), g.int64([-4, -4]), g.int64([2, 3]), g.int64([-1, -1])]);
    return g.op('Conv', [dz, flipped], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
  });
}
