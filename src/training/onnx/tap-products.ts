import type { TrainingGraph } from './training-graph';

/** [n,c,h,w] -> [c,n,h,w]: the layout in which a channel's values over the batch are one row. */
export function channelMajor(t: TrainingGraph, x: string): string {
  return t.g.op('Transpose', [x], { perm: [1, 0, 2, 3] });
}

/**
 * For each shift (sy, sx): the sum over batch and positions of x[y+sy, x+sx] dz[y,x]^T, a
 * [cin, cout] matrix, i.e. the weight gradient of the convolution tap that reads x at that
 * offset from dz's position. xT and dzT are channelMajor; zeros stand outside the maps. Each
 * product is one Gemm over [c, n*h*w] rows, the shift a copy made by Pad (its negative side
 * crops) of whichever side has fewer channels. (A batch-as-channels convolution ran as im2col
 * plus a GEMM nine columns wide that re-read dz once per input channel.)
 */
export function shiftedProducts(t: TrainingGraph, xT: string, dzT: string, cin: number, cout: number, shifts: ReadonlyArray<readonly [number, number]>): string[] {
  const { g } = t;
  const shiftX = cin <= cout;
  const xRows = g.int64([cin, -1]);
  const dzRows = g.int64([cout, -1]);
  return shifts.map(([sy, sx]) => {
    // x[y+sy, x+sx] on dz's grid, or dz[y-sy, x-sx] on x's grid: the same sum
    const [dy, dx] = shiftX ? [-sy, -sx] : [sy, sx];
    const source = shiftX ? xT : dzT;
    const moved = dy === 0 && dx === 0 ? source : g.op('Pad', [source, g.int64([0, 0, dy, dx, 0, 0, -dy, -dx])]);
    const xs = shiftX ? moved : xT;
    const dzs = shiftX ? dzT : moved;
    return g.op('Gemm', [g.op('Reshape', [xs, xRows]), g.op('Reshape', [dzs, dzRows])], { transB: 1 });
  });
}

/** The nine shifts of a 3x3 'same' convolution's taps, in HWIO order. */
export const SAME_3X3_SHIFTS: ReadonlyArray<readonly [number, number]> = [-1, 0, 1].flatMap((sy) => [-1, 0, 1].map((sx) => [sy, sx] as const));
