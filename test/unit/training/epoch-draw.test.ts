import { describe, expect, it } from 'vitest';
import type { ImageColumns } from '../../../src/db/repositories/training-image.repository';
import { drawEpochImages, validationSample } from '../../../src/training/epoch-draw';
import { SeededRandom } from '../../../src/util/seeded-random';

interface Row {
  id: number;
  label: number;
}

/** The draw over row objects that training.service made before the id columns: the columns must pick the same images. */
function rowDraw(images: readonly Row[], count: number, balance: boolean, random: SeededRandom): Row[] {
  if (!balance) return count > 0 && count < images.length ? random.shuffle([...images]).slice(0, count) : [...images];
  const controls = images.filter((image) => image.label === 0);
  const drugs = images.filter((image) => image.label === 1);
  if (controls.length === 0 || drugs.length === 0) return rowDraw(images, count, false, random);
  const perClass = count > 0 ? Math.ceil(count / 2) : Math.max(controls.length, drugs.length);
  const draw = (pool: readonly Row[]) =>
    perClass <= pool.length ? random.shuffle([...pool]).slice(0, perClass) : Array.from({ length: perClass }, () => pool[random.int(0, pool.length)]);
  return [...draw(drugs), ...draw(controls)].slice(0, count > 0 ? count : undefined);
}

/** 53 images in id order (ids with gaps), 7 of them controls spread through the screen. */
const rows: Row[] = Array.from({ length: 53 }, (_, i) => ({ id: 100 + 3 * i, label: i % 8 === 5 ? 0 : 1 }));
const columns = (of: readonly Row[]): ImageColumns => ({ ids: Int32Array.from(of, (row) => row.id), labels: Uint8Array.from(of, (row) => row.label) });
const asRows = (drawn: ImageColumns): Row[] => Array.from(drawn.ids, (id, i) => ({ id, label: drawn.labels[i] }));

describe('the epoch draw over id columns', () => {
  const cases: Array<[string, readonly Row[], number, boolean]> = [
    ['balanced, controls without replacement', rows, 10, true],
    ['balanced, controls with replacement', rows, 30, true],
    ['balanced, odd count', rows, 17, true],
    ['balanced, the whole split', rows, 0, true],
    ['unbalanced, a sample', rows, 16, false],
    ['unbalanced, the whole split', rows, 0, false],
    ['unbalanced, more than the split', rows, 80, false],
    ['balanced without controls falls back to unbalanced', rows.filter((row) => row.label === 1), 12, true],
  ];
  it.each(cases)('%s: the same images, order and random state as the draw over rows', (_, pool, count, balance) => {
    const byRows = new SeededRandom('1/weakly-supervised/one-crop/epochs');
    const byColumns = new SeededRandom('1/weakly-supervised/one-crop/epochs');
    for (let epoch = 1; epoch <= 3; epoch += 1) {
      const expected = rowDraw(pool, count, balance, byRows);
      const drawn = asRows(drawEpochImages(columns(pool), count, balance, byColumns));
      expect(drawn).toEqual(expected);
      expect(byColumns.state()).toEqual(byRows.state());
    }
  });

  it('draws the validation sample the row objects gave, and at most the cap', () => {
    const held = columns(rows);
    for (const cap of [8, 53, 128]) {
      const expected = new SeededRandom('validation/7').shuffle([...rows]).slice(0, cap).map((row) => row.id);
      expect(Array.from(validationSample(held.ids, cap, 7))).toEqual(expected);
    }
    expect(Array.from(held.ids)).toEqual(rows.map((row) => row.id));
  });
});
