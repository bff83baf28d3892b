import type { TrainingGraph } from './training-graph';

/** networks/layers.ts's applyBatchNorm: eps as nn.BatchNorm1d's, biased variance (training mode). */
const EPSILON = 1e-5;

export interface BatchNormState {
  name: string;
  /** [groups, rows per group, features] */
  grouped: [number, number, number];
  /** the normalised input, grouped and flat, and 1 / sqrt(variance + eps) per group [groups, 1, features] */
  normalised: string;
  normalisedFlat: string;
  invStd: string;
  y: string;
}

/**
 * Training-mode batch norm of x [rows, features] with statistics per each of `groups` equal
 * slices of the rows (one per BYOL view), then gamma and beta: the graph parameters
 * `${name}.weight` and `${name}.bias`. No running statistics: the tfjs layer keeps none,
 * and inference (the encoder) never reaches a batch norm.
 */
export function batchNormForward(t: TrainingGraph, name: string, x: string, rows: number, groups: number): BatchNormState {
  const { g } = t;
  const features = t.shapeOf(`${name}.weight`)[0];
  const grouped: [number, number, number] = [groups, rows / groups, features];
  const xs = g.op('Reshape', [x, g.int64(grouped)]);
  const centred = g.op('Sub', [xs, g.op('ReduceMean', [xs], { axes: [1], keepdims: 1 })]);
  const variance = g.op('ReduceMean', [g.op('Mul', [centred, centred])], { axes: [1], keepdims: 1 });
  const invStd = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [variance, g.float(EPSILON)])])]);
  const normalised = g.op('Mul', [centred, invStd]);
  const normalisedFlat = g.op('Reshape', [normalised, g.int64([rows, features])]);
  const y = g.op('Add', [g.op('Mul', [normalisedFlat, `${name}.weight`]), `${name}.bias`]);
  return { name, grouped, normalised, normalisedFlat, invStd, y };
}

/**
 * Gradients of gamma and beta, and the input's gradient through the batch statistics, per group:
 * dx = invStd (dxhat - mean(dxhat) - xhat mean(dxhat xhat)), dxhat = dy gamma.
 */
export function batchNormBackward(t: TrainingGraph, bn: BatchNormState, dy: string): string {
  const { g } = t;
  const [groups, perGroup, features] = bn.grouped;
  t.grad(`${bn.name}.weight`, g.op('ReduceSum', [g.op('Mul', [dy, bn.normalisedFlat]), g.int64([0])], { keepdims: 0 }));
  t.grad(`${bn.name}.bias`, g.op('ReduceSum', [dy, g.int64([0])], { keepdims: 0 }));
  const dNormalised = g.op('Reshape', [g.op('Mul', [dy, `${bn.name}.weight`]), g.int64(bn.grouped)]);
  const meanGrad = g.op('ReduceMean', [dNormalised], { axes: [1], keepdims: 1 });
  const meanProjection = g.op('ReduceMean', [g.op('Mul', [dNormalised, bn.normalised])], { axes: [1], keepdims: 1 });
  const centred = g.op('Sub', [g.op('Sub', [dNormalised, meanGrad]), g.op('Mul', [bn.normalised, meanProjection])]);
  return g.op('Reshape', [g.op('Mul', [centred, bn.invStd]), g.int64([groups * perGroup, features])]);
}
