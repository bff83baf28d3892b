import { describe, expect, it } from 'vitest';
import { SplitError, splitScreen, type SplitItem } from '../../src/data/split.service';

const items: SplitItem[] = [];
for (const plate of ['R1P1', 'R1P2', 'R2P1', 'R2P2', 'R3P1']) {
  for (let well = 0; well < 10; well += 1) {
    for (let site = 1; site <= 3; site += 1) items.push({ id: `${plate}/${well}/${site}`, plate, group: `${plate}/${well}` });
  }
}

describe('splitScreen', () => {
  it('by plate: no plate on both sides, every image on exactly one side', () => {
    const split = splitScreen(items, { method: 'plate', validationFraction: 0.4, seed: 1 });
    expect(split.validationPlates).toHaveLength(2);
    expect(split.trainPlates).toHaveLength(3);
    expect(split.trainPlates.filter((plate) => split.validationPlates.includes(plate))).toEqual([]);
    const plateOf = new Map(items.map((item) => [item.id, item.plate]));
    for (const id of split.train) expect(split.trainPlates).toContain(plateOf.get(id));
    for (const id of split.validation) expect(split.validationPlates).toContain(plateOf.get(id));
    expect(split.train.length + split.validation.length).toBe(items.length);
  });

  it('is seeded, independent of input order, and plain JSON', () => {
    const a = splitScreen(items, { method: 'plate', validationFraction: 0.4, seed: 1 });
    const b = splitScreen([...items].reverse(), { method: 'plate', validationFraction: 0.4, seed: 1 });
    expect(b.validationPlates).toEqual(a.validationPlates);
    const seeds = new Set([1, 2, 3, 4, 5, 6].map((seed) => splitScreen(items, { method: 'plate', validationFraction: 0.2, seed }).validationPlates[0]));
    expect(seeds.size).toBeGreaterThan(1);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });

  it('random: keeps the sites of a well together', () => {
    const split = splitScreen(items, { method: 'random', validationFraction: 0.25, seed: 3 });
    const groupOf = new Map(items.map((item) => [item.id, item.group]));
    const trainGroups = new Set(split.train.map((id) => groupOf.get(id)));
    for (const id of split.validation) expect(trainGroups.has(groupOf.get(id))).toBe(false);
    expect(split.validation.length).toBe(Math.round(50 * 0.25) * 3);
  });

  it('refuses splits that cannot hold out anything', () => {
    expect(() => splitScreen(items.filter((item) => item.plate === 'R1P1'), { method: 'plate', validationFraction: 0.5, seed: 1 })).toThrow(SplitError);
    expect(() => splitScreen(items, { method: 'plate', validationFraction: 1, seed: 1 })).toThrow(SplitError);
    // a tiny fraction still holds out one plate, never none
    expect(splitScreen(items, { method: 'plate', validationFraction: 0.01, seed: 1 }).validationPlates).toHaveLength(1);
  });
});
