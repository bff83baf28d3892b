import { describe, expect, it } from 'vitest';
import { evaluateCompoundGroup, evaluateDrugPair } from '../../src/evaluation/drug-similarity.evaluator';
import { matrixFromRows } from '../../src/numeric/matrix';
import { expectClose, expectNoNaN } from './evaluation-reference';

// 1-D embeddings make every median hand-computable (euclidean = |x - y|)
const set = (...values: number[]) => matrixFromRows(values.map((v) => [v, 1]));

describe('similarity of known drugs', () => {
  const line = { cellLine: 'HT29', byCompound: { Methotrexate: set(0, 1), Pemetrexed: set(2, 3), DMSO: set(10, 12) } };

  it('computes D^-1 and d per cell line from the medians', () => {
    const result = evaluateDrugPair([line], 'Methotrexate', 'Pemetrexed', { metrics: ['euclidean'] });
    const e = result.cellLines[0].metrics.euclidean;
    // |A-B| pairs: 2,3,1,2 -> median 2; |A-C|: 10,12,9,11 -> 10.5; |B-C|: 8,10,7,9 -> 8.5
    expect(e.pairs[0].medianAB.value).toBe(2);
    expect(e.pairs[0].medianAControl.value).toBe(10.5);
    expect(e.pairs[0].medianBControl.value).toBe(8.5);
    expect(e.inverseDistance.value).toBe(0.5);
    expectClose(e.relativeDistance.value, (9.5 - 2) / 9.5, 1e-12);
    expectNoNaN(result);
  });

  it('aggregates median +- MAD over cell lines, skipping and explaining missing ones', () => {
    const lines = [
      line,
      { cellLine: 'A549', byCompound: { Methotrexate: set(0), Pemetrexed: set(4), DMSO: set(8) } },
      { cellLine: 'MCF7', byCompound: { Methotrexate: set(0), Pemetrexed: set(1), DMSO: set(3) } },
      { cellLine: 'HCT15', byCompound: { Methotrexate: set(0), DMSO: set(3) } },
    ];
    const result = evaluateDrugPair(lines, 'Methotrexate', 'Pemetrexed', { metrics: ['euclidean'] });
    const missing = result.cellLines[3].metrics.euclidean;
    expect(missing.inverseDistance).toEqual({ value: null, reason: 'cell line HCT15 has no images of Pemetrexed' });
    expect(missing.relativeDistance.value).toBeNull();
    // D^-1: 0.5, 0.25, 1 -> median 0.5, MAD median(0, 0.25, 0.5) = 0.25
    expect(result.aggregate.euclidean.inverseDistance).toEqual({ median: { value: 0.5 }, mad: { value: 0.25 }, cellLines: 3 });
    expectNoNaN(result);
  });

  it('a cell line with a single compound yields reasons, not NaN', () => {
    const result = evaluateDrugPair([{ cellLine: 'PC3', byCompound: new Map([['DMSO', set(1, 2)]]) }], 'Methotrexate', 'Pemetrexed');
    for (const metric of ['euclidean', 'cosine', 'correlation', 'braycurtis'] as const) {
      expect(result.cellLines[0].metrics[metric].relativeDistance.reason).toMatch(/no images of Methotrexate/);
      expect(result.aggregate[metric].relativeDistance.median).toEqual({ value: null, reason: 'undefined in all 1 cell lines' });
    }
    expectNoNaN(result);
  });

  it('identical drugs give d = 1 by construction, and a zero median D^-1 is explained', () => {
    const same = evaluateDrugPair([{ cellLine: 'X', byCompound: { A: set(5), B: set(5), DMSO: set(1) } }], 'A', 'B', { metrics: ['euclidean'] });
    expect(same.cellLines[0].metrics.euclidean.relativeDistance.value).toBe(1);
    expect(same.cellLines[0].metrics.euclidean.inverseDistance.reason).toMatch(/median distance between A and B is 0/);
  });

  it('a MoA group is the mean over its defined pairs', () => {
    const result = evaluateCompoundGroup([{ cellLine: 'X', byCompound: { A: set(0), B: set(2), C: set(4), DMSO: set(10) } }], ['A', 'B', 'C'], { metrics: ['euclidean'] });
    const e = result.cellLines[0].metrics.euclidean;
    expect(e.pairs.map((p) => [p.compoundA, p.compoundB, p.medianAB.value])).toEqual([
      ['A', 'B', 2],
      ['A', 'C', 4],
      ['B', 'C', 2],
    ]);
    expectClose(e.inverseDistance.value, (0.5 + 0.25 + 0.5) / 3, 1e-12);
    expect(() => evaluateCompoundGroup([], ['A'])).toThrow(RangeError);
  });
});
