import { describe, expect, it } from 'vitest';
import { batchOfPlate } from '../../src/data/plate-batch';
import type { LineData, LineImage } from '../../src/evaluation/tasks/evaluation-task';
import { moaNeighbours, treatmentProfiles, type TreatmentProfile } from '../../src/evaluation/tasks/nsc/nsc-line';
import { aggregateNsc } from '../../src/evaluation/tasks/nsc/nsc.task';
import { matrixFromRows } from '../../src/numeric/matrix';

function treatment(compound: string, moa: string, batch: string, vector: number[], concentration = 1): TreatmentProfile {
  return { compound, concentration, moa, batches: [batch], wells: 1, vector: Float32Array.from(vector) };
}

/**
 * Six treatments, three MoAs, two batches (W1: a1 b1 b2; W2: a2 c1 c2). Cosines, by hand:
 * a1-a2 0.874, a1-b1 0.800, a2-b1 0.699, b1-b2 0.600, b2-c2 0.287, b1-c2 0.172, b2-c1 0.0995,
 * b1-c1 0.0597, c1-c2 0.982, a2-c1 0.483, a2-c2 0.465, every other pair 0.
 * NSC: a1->a2, a2->a1, b1->a1 (wrong), b2->b1, c1->c2, c2->c1: 5/6.
 * NSCB (the other batch only): a1->a2, a2->a1, b1->a2 (wrong), b2->c2 (wrong), c1->b2 (wrong),
 * c2->b2 (wrong): 2/6.
 */
const FIXTURE = [
  treatment('a1', 'A', 'W1', [1, 0, 0]),
  treatment('a2', 'A', 'W2', [0.9, 0, 0.5]),
  treatment('b1', 'B', 'W1', [0.8, 0.6, 0]),
  treatment('b2', 'B', 'W1', [0, 1, 0]),
  treatment('c1', 'C', 'W2', [0, 0.1, 1]),
  treatment('c2', 'C', 'W2', [0, 0.3, 1]),
];

describe('NSC and NSCB 1-NN MoA accuracy', () => {
  it('equals the hand-computed example, with the confusion between MoAs', () => {
    const result = moaNeighbours('MCF7', FIXTURE);
    expect(result.treatments).toBe(6);
    expect(result.unmatched).toBe(0);
    expect(result.neighbours.map((t) => [t.compound, t.nsc?.compound, t.nscb?.compound])).toEqual([
      ['a1', 'a2', 'a2'],
      ['a2', 'a1', 'a1'],
      ['b1', 'a1', 'a2'],
      ['b2', 'b1', 'c2'],
      ['c1', 'c2', 'b2'],
      ['c2', 'c1', 'b2'],
    ]);
    expect(result.neighbours[0].nsc!.similarity).toBeCloseTo(0.9 / Math.sqrt(1.06), 6);
    expect(result.nsc.accuracy.value).toBeCloseTo(5 / 6, 12);
    expect(result.nscb.accuracy.value).toBeCloseTo(2 / 6, 12);
    expect(result.nsc).toMatchObject({ queried: 6, correct: 5, skipped: 0, moas: ['A', 'B', 'C'] });
    expect(result.nsc.confusion).toEqual([
      [2, 0, 0],
      [1, 1, 0],
      [0, 0, 2],
    ]);
    expect(result.nscb.confusion).toEqual([
      [2, 0, 0],
      [1, 0, 1],
      [0, 2, 0],
    ]);
    expect(result.nscb.byMoa.map((entry) => entry.accuracy.value)).toEqual([1, 0, 0]);
    expect(result.nscb.perMoaAccuracy.value).toBeCloseTo(1 / 3, 12);
  });

  it('never takes another dose of the same compound, nor queries a MoA no other compound has', () => {
    const result = moaNeighbours('x', [
      treatment('a1', 'A', 'W1', [1, 0, 0], 1),
      treatment('a1', 'A', 'W1', [1, 0.01, 0], 10),
      treatment('a2', 'A', 'W1', [0.6, 0.8, 0]),
      treatment('b1', 'B', 'W2', [0, 0, 1]),
      treatment('d1', 'D', 'W2', [1, 0, 0.05]),
    ]);
    // the two doses of a1 are each other's nearest, but d1 (0.999) is what they get; a2 finds a1 at dose 10 (0.608)
    expect(result.neighbours.map((t) => t.nsc?.compound ?? null)).toEqual(['d1', 'd1', 'a1', null, null]);
    expect(result.neighbours[2].nsc!.concentration).toBe(10);
    expect(result.unmatched).toBe(2);
    expect(result.neighbours.filter((t) => !t.queried).map((t) => t.compound)).toEqual(['b1', 'd1']);
    expect(result.nsc).toMatchObject({ queried: 3, correct: 1, skipped: 0 });
    expect(result.nsc.perMoaAccuracy.value).toBeCloseTo(1 / 3, 12);
    // from W1 only W2's treatments are eligible: d1 for all three
    expect(result.neighbours.map((t) => t.nscb?.compound ?? null)).toEqual(['d1', 'd1', 'd1', null, null]);
    expect(result.nscb).toMatchObject({ queried: 3, correct: 0, skipped: 0 });
  });

  it('skips and counts a treatment with no candidate from another batch; the accuracy says why when none is left', () => {
    const oneBatch = FIXTURE.map((t) => ({ ...t, batches: ['W1'] }));
    const result = moaNeighbours('HT29', oneBatch);
    expect(result.nsc.accuracy.value).toBeCloseTo(5 / 6, 12);
    expect(result.nscb).toMatchObject({ queried: 0, skipped: 6 });
    expect(result.nscb.accuracy.value).toBeNull();
    expect(result.nscb.accuracy.reason).toMatch(/shares a batch/);
  });

  it('aggregates: treatments pooled over cell lines, the median and MAD of the cell lines', () => {
    // line two: a1 a2 b1 as before, b2 imaged in both batches
    const lines = [moaNeighbours('one', FIXTURE), moaNeighbours('two', [...FIXTURE.slice(0, 3), { ...FIXTURE[3], batches: ['W1', 'W2'] }])];
    const aggregate = aggregateNsc(lines);
    // line two: a1->a2, a2->a1, b1->a1 (wrong), b2->b1 under NSC; under NSCB a1->a2, a2->a1, b1->a2 (wrong), b2 shares a batch with all (skipped)
    expect(lines[1].nsc.correct).toBe(3);
    expect(lines[1].nscb).toMatchObject({ queried: 3, correct: 2, skipped: 1 });
    expect(aggregate.nsc).toMatchObject({ queried: 10, correct: 8, moas: ['A', 'B', 'C'] });
    expect(aggregate.nsc.confusion).toEqual([
      [4, 0, 0],
      [2, 2, 0],
      [0, 0, 2],
    ]);
    expect(aggregate.nsc.overCellLines.median.value).toBeCloseTo((5 / 6 + 3 / 4) / 2, 12);
    expect(aggregate.nscb.skipped).toBe(1);
    expect(aggregate.cellLines.map((line) => line.cellLine)).toEqual(['one', 'two']);
  });
});

describe('treatment profiles', () => {
  it('median of well medians per compound x concentration; controls and compounds without a MoA left out; batches from plate names', () => {
    const images: LineImage[] = [];
    const rows: number[][] = [];
    const add = (compound: string, moa: string | null, concentration: number, plate: string, well: string, vector: number[], isControl = false) => {
      images.push({ id: images.length + 1, compound, moa, isControl, concentration, plate, well });
      rows.push(vector);
    };
    // well 1 of X: images 0 and 2 -> median 1; well 2: 10; well 3: 4 -> treatment median of (1, 10, 4) = 4
    add('X', 'M', 1, 'Week1_1', 'A01', [0, 0]);
    add('X', 'M', 1, 'Week1_1', 'A01', [2, 2]);
    add('X', 'M', 1, 'Week2_7', 'B01', [10, 10]);
    add('X', 'M', 1, 'Week2_8', 'C01', [4, 4]);
    add('X', 'M', 3, 'Week2_8', 'C02', [7, 7]);
    add('DMSO', 'control', 0, 'Week1_1', 'A02', [5, 5], true);
    add('Unknown', null, 1, 'Week1_1', 'A03', [1, 1]);
    const line: LineData = { cellLine: 'MCF7', images, vectors: matrixFromRows(rows, 2) };
    const profiles = treatmentProfiles(line, 'DMSO');
    expect(profiles.map((p) => [p.compound, p.concentration, p.wells, p.batches, Array.from(p.vector)])).toEqual([
      ['X', 1, 3, ['Week1', 'Week2'], [4, 4]],
      ['X', 3, 1, ['Week2'], [7, 7]],
    ]);
  });

  it('batchOfPlate: the prefix before the first underscore, else the plate', () => {
    expect(batchOfPlate('Week1_22123')).toBe('Week1');
    expect(batchOfPlate('Week10_40111_b')).toBe('Week10');
    expect(batchOfPlate('R1P1')).toBe('R1P1');
    expect(batchOfPlate('_odd')).toBe('_odd');
  });
});
