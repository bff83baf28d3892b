import { describe, expect, it } from 'vitest';
import { normalizer } from '../../src/embedding/profile.normalizer';
import type { LineData, LineImage } from '../../src/evaluation/tasks/evaluation-task';
import { evaluateNormalized, MIN_PLATE_REFERENCE, normalizeHandedOver, normalizeLine, type LineNormalization } from '../../src/evaluation/tasks/line-normalization';

const STANDARDIZE: LineNormalization = { method: 'standardize', control: 'DMSO' };

/** Two features; plate P2 carries a batch effect (gain 2, offset 10) on top of the same biology as P1. */
function twoPlateLine(controlsOnP2 = 4): LineData {
  const images: LineImage[] = [];
  const values: number[] = [];
  for (const [plate, gain, offset] of [['P1', 1, 0], ['P2', 2, 10]] as const) {
    const controls = plate === 'P1' ? 4 : controlsOnP2;
    for (let k = 0; k < controls; k += 1) {
      images.push({ id: images.length, compound: 'DMSO', moa: null, isControl: true, concentration: 0, plate, well: `C${k}` });
      values.push(offset + gain * (k % 2 === 0 ? -1 : 1), offset + gain * (k < 2 ? -2 : 2));
    }
    images.push({ id: images.length, compound: 'Drug', moa: 'x', isControl: false, concentration: 1, plate, well: 'D1' });
    values.push(offset + gain * 3, offset + gain * 4);
  }
  return { cellLine: 'L', images, vectors: { rows: images.length, dim: 2, data: Float32Array.from(values) } };
}

const vectorOf = (line: LineData, compound: string, plate: string) => {
  const i = line.images.findIndex((image) => image.compound === compound && image.plate === plate);
  return Array.from(line.vectors.data.subarray(i * 2, i * 2 + 2));
};

describe('normalising a cell line against its control', () => {
  it("takes each plate's batch effect out: the drug lands on the same spot on both plates", () => {
    const line = twoPlateLine();
    expect(vectorOf(line, 'Drug', 'P1')).not.toEqual(vectorOf(line, 'Drug', 'P2'));
    const normalized = normalizeLine(line, STANDARDIZE);
    expect(vectorOf(normalized, 'Drug', 'P1')).toEqual([3, 2]);
    expect(vectorOf(normalized, 'Drug', 'P2')).toEqual([3, 2]);
    // the stored line is left as it was
    expect(vectorOf(line, 'Drug', 'P2')).toEqual([16, 18]);
  });

  it('scales a plate with too few control images against every control image of the line', () => {
    const line = twoPlateLine(MIN_PLATE_REFERENCE - 1);
    const normalized = normalizeLine(line, STANDARDIZE);
    const controls = line.images.flatMap((image, i) => (image.compound === 'DMSO' ? [line.vectors.data.subarray(i * 2, i * 2 + 2)] : []));
    const pooled = Array.from(normalizer('standardize', controls)(Float32Array.from(vectorOf(line, 'Drug', 'P2'))));
    expect(vectorOf(normalized, 'Drug', 'P2')).toEqual(pooled);
    expect(vectorOf(normalized, 'Drug', 'P1')).toEqual([3, 2]);
  });

  it('leaves a line without the control, or with method none, as it is', () => {
    const line = twoPlateLine();
    expect(normalizeLine(line, { ...STANDARDIZE, control: 'PBS' })).toBe(line);
    expect(normalizeLine(line, { ...STANDARDIZE, method: 'none' })).toBe(line);
    expect(normalizeLine(line, undefined)).toBe(line);
  });

  it('evaluates each set on the line normalised as it says, once per normalisation, in the sets order', () => {
    const line = twoPlateLine();
    const seen: number[][] = [];
    const sets = [{ normalization: STANDARDIZE, tag: 'a' }, { tag: 'b' }, { normalization: STANDARDIZE, tag: 'c' }];
    const results = evaluateNormalized(line, sets, (normalized, group) => {
      seen.push(vectorOf(normalized, 'Drug', 'P2'));
      return group.map((set) => `${set.tag}:${vectorOf(normalized, 'Drug', 'P2').join(',')}`);
    });
    expect(results).toEqual(['a:3,2', 'b:16,18', 'c:3,2']);
    expect(seen).toHaveLength(2);
  });

  it('normalises a handed-over line in place under one normalisation, and the tasks read that one copy', () => {
    const line = twoPlateLine();
    const stored = line.vectors.data;
    const handedOver = normalizeHandedOver(line, [STANDARDIZE, STANDARDIZE]);
    expect(handedOver.vectors.data).toBe(stored);
    expect(vectorOf(handedOver, 'Drug', 'P2')).toEqual([3, 2]);
    const read: Float32Array[] = [];
    evaluateNormalized(handedOver, [{ normalization: STANDARDIZE }], (normalized, group) => group.map(() => read.push(normalized.vectors.data)));
    expect(read).toEqual([stored]);
    expect(read[0]).toBe(stored);
  });

  it('keeps the stored vectors of a handed-over line that two normalisations read', () => {
    const line = twoPlateLine();
    const handedOver = normalizeHandedOver(line, [STANDARDIZE, undefined]);
    expect(handedOver).toBe(line);
    expect(vectorOf(line, 'Drug', 'P2')).toEqual([16, 18]);
    const results = evaluateNormalized(handedOver, [{ normalization: STANDARDIZE }, {}], (normalized, group) => group.map(() => vectorOf(normalized, 'Drug', 'P2').join(',')));
    expect(results).toEqual(['3,2', '16,18']);
  });
});
