import { describe, expect, it } from 'vitest';
import { braycurtis, correlation, cosine, DISTANCE_METRICS, distance, euclidean } from '../../src/numeric/distance.metrics';
import { medianPairDistances, pairDistances, sampledPairDistances } from '../../src/numeric/pairwise-distance.kernel';
import { median, medianAbsoluteDeviation } from '../../src/numeric/statistics';
import { matrixFromRows, row } from '../../src/numeric/matrix';
import { expectClose, reference } from './evaluation-reference';

const { a, b, cross, within, medianCross, medianWithin } = reference.distances;
const A = matrixFromRows(a);
const B = matrixFromRows(b);

describe('distances (scipy definitions)', () => {
  it('single pairs equal scipy cdist for all four metrics', () => {
    for (const metric of DISTANCE_METRICS) {
      for (let i = 0; i < a.length; i += 1) for (let j = 0; j < b.length; j += 1) expectClose(distance(metric, row(A, i), row(B, j)), cross[metric][i * b.length + j]);
    }
  });

  it('the blocked kernel equals scipy cdist (cross) and pdist (within)', () => {
    const all = pairDistances(A, B);
    const inside = pairDistances(A, 'within');
    for (const metric of DISTANCE_METRICS) {
      Array.from(all[metric]!).forEach((value, k) => expectClose(value, cross[metric][k]));
      expect(inside[metric]!.length).toBe(within[metric].length);
      Array.from(inside[metric]!).forEach((value, k) => expectClose(value, within[metric][k]));
    }
  });

  it('sampled pairs get exactly the blocked kernel\'s distances, whichever metrics are asked for', () => {
    const stacked = matrixFromRows([...a, ...b]);
    const aRows = Array.from({ length: a.length }, (_, i) => i);
    const bRows = Array.from({ length: b.length }, (_, j) => a.length + j);
    const drawn: Array<[number, number]> = [[0, 0], [a.length - 1, b.length - 1], [1, 0], [0, b.length - 1], [1, 1]];
    const draws = drawn.flatMap(([i, j]) => [(i + 0.5) / a.length, (j + 0.5) / b.length]);
    const all = pairDistances(A, B);
    for (const metrics of [DISTANCE_METRICS, ['euclidean'], ['cosine', 'correlation'], ['braycurtis']] as const) {
      let next = 0;
      const sampled = sampledPairDistances(stacked, aRows, bRows, drawn.length, { next: () => draws[next++] }, metrics);
      expect(Object.keys(sampled).sort()).toEqual([...metrics].sort());
      for (const metric of metrics) expect(Array.from(sampled[metric]!)).toEqual(drawn.map(([i, j]) => all[metric]![i * b.length + j]));
    }
  });

  it('set medians equal numpy.median over the pairs', () => {
    const cm = medianPairDistances(A, B);
    const wm = medianPairDistances(A, 'within');
    for (const metric of DISTANCE_METRICS) {
      expectClose(cm[metric]!.median, medianCross[metric]);
      expectClose(wm[metric]!.median, medianWithin[metric]);
      expect(cm[metric]!.pairs).toBe(a.length * b.length);
      expect(cm[metric]!.undefinedPairs).toBe(0);
    }
  });

  it('tiles larger than one block agree with the plain definitions', () => {
    const rows = Array.from({ length: 37 }, (_, i) => Array.from({ length: 9 }, (_, k) => Math.sin(i * 7 + k * 3) + (k % 2)));
    const m = matrixFromRows(rows);
    const inside = pairDistances(m, 'within', ['euclidean', 'braycurtis']);
    let at = 0;
    for (let i = 0; i < 37; i += 1) {
      for (let j = i + 1; j < 37; j += 1, at += 1) {
        expectClose(inside.euclidean![at], euclidean(row(m, i), row(m, j)), 1e-9);
        expectClose(inside.braycurtis![at], braycurtis(row(m, i), row(m, j)), 1e-9);
      }
    }
  });

  it('undefined pairs (zero or constant vectors) are counted and left out of the median, never NaN', () => {
    const zero = matrixFromRows([
      [0, 0, 0],
      [1, 2, 3],
    ]);
    const other = matrixFromRows([[2, 2, 2]]);
    expect(Number.isNaN(cosine([0, 0, 0], [1, 2, 3]))).toBe(true);
    expect(Number.isNaN(correlation([2, 2, 2], [1, 2, 3]))).toBe(true);
    const m = medianPairDistances(zero, other);
    expect(m.cosine).toMatchObject({ pairs: 2, undefinedPairs: 1 });
    expectClose(m.cosine!.median, cosine([1, 2, 3], [2, 2, 2]));
    expect(m.correlation).toEqual({ median: null, pairs: 2, undefinedPairs: 2 });
  });

  it('median and MAD follow numpy and scipy (scale 1)', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
    expect(medianAbsoluteDeviation([1, 2, 3, 4, 100])).toBe(1);
    const values = Array.from({ length: 1001 }, (_, i) => ((i * 7919) % 1001) / 3);
    expect(median(values)).toBe([...values].sort((x, y) => x - y)[500]);
  });
});
