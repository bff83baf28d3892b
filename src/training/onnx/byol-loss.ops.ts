import type { TrainingGraph } from './training-graph';

/** F.normalize's floor on the norm (losses.ts l2Normalize). */
const NORM_FLOOR = 1e-12;

/** x / max(||x||, 1e-12) per row, and that denominator [rows, 1]. */
function l2Normalize(t: TrainingGraph, x: string): { unit: string; norm: string } {
  const { g } = t;
  const norm = g.op('Max', [g.op('Sqrt', [g.op('ReduceSum', [g.op('Mul', [x, x]), g.int64([1])], { keepdims: 1 })]), g.float(NORM_FLOOR)]);
  return { unit: g.op('Div', [x, norm]), norm };
}

/**
 * The symmetric BYOL loss of the self-supervised paradigm over 2n rows (view 1's then view 2's
 * predictions, against the target projections of the other view): 2 x mean(2 - 2 cos(p, t)),
 * and its gradient at the predictions, the targets being constants:
 * dp = -(2/n) (t^ - p^ (p^ . t^)) / ||p||. Where ||p|| < 1e-12 the floor would take the
 * gradient instead; a predictor's 64-d output never comes near it.
 */
export function byolLoss(t: TrainingGraph, online: string, target: string, rows: number): { loss: string; dOnline: string } {
  const { g } = t;
  const p = l2Normalize(t, online);
  const q = l2Normalize(t, target).unit;
  const cosine = g.op('ReduceSum', [g.op('Mul', [p.unit, q]), g.int64([1])], { keepdims: 1 });
  const mean = g.op('ReduceMean', [g.op('Sub', [g.float(2), g.op('Mul', [g.float(2), cosine])])], { keepdims: 0 });
  const loss = g.op('Mul', [g.float(2), mean]);
  const tangent = g.op('Sub', [q, g.op('Mul', [p.unit, cosine])]);
  const dOnline = g.op('Div', [g.op('Mul', [tangent, g.float(-4 / rows)]), p.norm]);
  return { loss, dOnline };
}
