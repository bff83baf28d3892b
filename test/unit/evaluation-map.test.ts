import { describe, expect, it } from 'vitest';
import { averagePrecision, averagePrecisionScore, benjaminiHochberg, identityScratch, randomAveragePrecision } from '../../src/evaluation/average-precision.metrics';
import { activityMap, consistencyMap, nullDistribution } from '../../src/evaluation/map.evaluator';
import { matrixFromRows } from '../../src/numeric/matrix';
import { SeededRandom } from '../../src/util/seeded-random';
import { expectClose, expectNoNaN, reference } from './evaluation-reference';

describe('average precision', () => {
  it('hand-computable rank lists', () => {
    expect(averagePrecision([1, 0, 1, 0])).toBeCloseTo((1 + 2 / 3) / 2, 15);
    expect(averagePrecision([0, 0, 1])).toBeCloseTo(1 / 3, 15);
    expect(averagePrecision([1, 1, 0])).toBe(1);
    expect(averagePrecision([0, 0])).toBeNull();
  });

  it('equals sklearn average_precision_score on fixture rankings (distinct scores)', () => {
    for (const { labels, scores, averagePrecision: expected } of reference.rankings) {
      const order = labels.map((_: number, i: number) => i).sort((a: number, b: number) => scores[b] - scores[a]);
      expectClose(averagePrecision(order.map((i: number) => labels[i])), expected);
      expectClose(averagePrecisionScore(labels, scores), expected);
    }
  });

  it('sklearn-style AP groups tied scores into one threshold', () => {
    expectClose(averagePrecisionScore(reference.classification.labels, reference.classification.scores), reference.classification.averagePrecisionWithTies);
  });

  it('random rank lists have the expected mean AP and leave the scratch intact', () => {
    const random = new SeededRandom(1);
    const scratch = identityScratch(10);
    let sum = 0;
    for (let i = 0; i < 20000; i += 1) sum += randomAveragePrecision(1, 2, random, scratch);
    // one positive among two: AP is 1 or 1/2 with equal chance
    expect(sum / 20000).toBeCloseTo(0.75, 2);
    expect(Array.from(scratch)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const all = nullDistribution([{ positives: 3, total: 3 }], 10, random);
    expect(Array.from(all)).toEqual(new Array(10).fill(1));
  });

  it('Benjamini-Hochberg equals statsmodels fdr_bh', () => {
    // statsmodels.stats.multitest.multipletests([0.01, 0.04, 0.03, 0.2], method='fdr_bh')[1]
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.2]);
    [0.04, 0.05333333333333334, 0.05333333333333334, 0.2].forEach((value, i) => expectClose(q[i], value, 1e-12));
    expect(benjaminiHochberg([])).toEqual([]);
  });
});

describe('mAP (copairs conventions)', () => {
  // 2-D profiles, cosine similarity = angle
  const at = (degrees: number) => [Math.cos((degrees * Math.PI) / 180), Math.sin((degrees * Math.PI) / 180)];

  it('activity: replicates against controls, per compound, with p-values and BH', () => {
    const vectors = matrixFromRows([at(0), at(5), at(10), at(90), at(100), at(40), at(200), at(210)]);
    const profiles = [
      { compound: 'A', isControl: false },
      { compound: 'A', isControl: false },
      { compound: 'A', isControl: false },
      { compound: 'DMSO', isControl: true },
      { compound: 'DMSO', isControl: true },
      { compound: 'B', isControl: false },
      { compound: 'B', isControl: false },
      { compound: 'C', isControl: false },
    ];
    const result = activityMap(vectors, profiles, { nullSize: 2000, seed: 1 });
    const a = result.groups.find((g) => g.group === 'A')!;
    expect(a.meanAveragePrecision.value).toBe(1);
    expect(a.queries).toBe(3);
    // B at 40 and 200 deg: each sees both controls (50-60 / 100-110 deg away) before its replicate (160 deg away)
    const b = result.queries.filter((q) => q.compound === 'B').map((q) => q.averagePrecision.value);
    expect(b).toEqual([1 / 3, 1 / 3]);
    expect(result.queries.find((q) => q.compound === 'C')!.averagePrecision).toEqual({ value: null, reason: 'C has a single replicate: no positives' });
    const c = result.groups.find((g) => g.group === 'C')!;
    expect(c.pValue.value).toBeNull();
    expect(c.significant).toBeNull();
    // A: 3 queries with 2 positives among 4: P(random mAP >= 1) = (1/6)^3
    expect(a.pValue.value).toBeLessThan(0.01);
    expect(b.length).toBe(2);
    expectNoNaN(result);
    expect(activityMap(vectors, profiles, { nullSize: 2000, seed: 1 })).toEqual(result);
  });

  it('consistency: other compounds with the same MoA are the positives, per MoA', () => {
    const vectors = matrixFromRows([at(0), at(10), at(20), at(180), at(170), at(90)]);
    const profiles = [
      { compound: 'Methotrexate', moa: 'antifolate', isControl: false },
      { compound: 'Pemetrexed', moa: 'antifolate', isControl: false },
      { compound: 'Methotrexate', moa: 'antifolate', isControl: false },
      { compound: 'Paclitaxel', moa: 'microtubule', isControl: false },
      { compound: 'Vincristine', moa: 'microtubule', isControl: false },
      { compound: 'DMSO', moa: null, isControl: true },
    ];
    const result = consistencyMap(vectors, profiles, { nullSize: 500, seed: 2 });
    expect(result.groups.map((g) => [g.group, g.meanAveragePrecision.value])).toEqual([
      ['antifolate', 1],
      ['microtubule', 1],
    ]);
    // the first Methotrexate profile ranks only Pemetrexed (positive) and the two microtubule drugs
    expect(result.queries[0]).toMatchObject({ positives: 1, total: 3 });
    const lonely = consistencyMap(vectors, profiles.map((p, i) => (i === 4 ? { ...p, moa: 'other' } : p)), { nullSize: 100 });
    expect(lonely.groups.find((g) => g.group === 'other')!.meanAveragePrecision.reason).toBe('no other compound with MoA other');
    expectNoNaN(lonely);
  });
});
