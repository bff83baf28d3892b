import { SeededRandom } from '../util/seeded-random';

export interface SplitItem {
  id: string | number;
  plate: string;
  /**
   * items sharing a group always land on the same side of a random split;
   * use plate/well so sites of one well cannot leak across
   */
  group?: string;
}

export const SPLIT_METHODS = ['plate', 'random'] as const;
export type SplitMethod = (typeof SPLIT_METHODS)[number];

export interface SplitOptions {
  method: SplitMethod;
  /** share of plates (by plate) or of groups (random) held out, in (0, 1) */
  validationFraction: number;
  seed: number;
}

/** Plain JSON: stored with a run so its validation set can be rebuilt exactly. */
export interface SplitRecord {
  method: SplitMethod;
  seed: number;
  validationFraction: number;
  trainPlates: string[];
  validationPlates: string[];
  train: Array<string | number>;
  validation: Array<string | number>;
}

export class SplitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SplitError';
  }
}

export function splitScreen(items: readonly SplitItem[], options: SplitOptions): SplitRecord {
  if (!(options.validationFraction > 0 && options.validationFraction < 1)) {
    throw new SplitError(`validationFraction must be between 0 and 1 (exclusive), got ${options.validationFraction}`);
  }
  if (items.length < 2) throw new SplitError('need at least two images to split');
  return options.method === 'plate' ? splitByPlate(items, options) : splitRandom(items, options);
}

/** Whole plates go to validation, so plate batch effects cannot make the held-out score look better than it is. */
export function splitByPlate(items: readonly SplitItem[], options: Omit<SplitOptions, 'method'>): SplitRecord {
  return splitGroups(items, { ...options, method: 'plate' }, (item) => item.plate, (found) => `splitting by plate needs at least two plates, found ${found}`);
}

/** Seeded random split over groups (default: each image its own group). */
export function splitRandom(items: readonly SplitItem[], options: Omit<SplitOptions, 'method'>): SplitRecord {
  return splitGroups(items, { ...options, method: 'random' }, (item) => item.group ?? `id:${String(item.id)}`, () => 'a random split needs at least two groups');
}

/** Whole groups held out: sorted first, then the seeded shuffle, so the input order cannot change the split. */
function splitGroups(items: readonly SplitItem[], options: SplitOptions, groupOf: (item: SplitItem) => string, tooFew: (found: number) => string): SplitRecord {
  const groups = [...new Set(items.map(groupOf))].sort();
  if (groups.length < 2) throw new SplitError(tooFew(groups.length));
  const held = clampCount(Math.round(groups.length * options.validationFraction), groups.length);
  SeededRandom.derive(`morphospace/split-${options.method}`, options.seed).shuffle(groups);
  const validationGroups = new Set(groups.slice(0, held));
  const train: Array<string | number> = [];
  const validation: Array<string | number> = [];
  const trainPlates = new Set<string>();
  const validationPlates = new Set<string>();
  for (const item of items) {
    const heldOut = validationGroups.has(groupOf(item));
    (heldOut ? validation : train).push(item.id);
    (heldOut ? validationPlates : trainPlates).add(item.plate);
  }
  return {
    method: options.method,
    seed: options.seed,
    validationFraction: options.validationFraction,
    trainPlates: [...trainPlates].sort(),
    validationPlates: [...validationPlates].sort(),
    train,
    validation,
  };
}

/** Both sides non-empty. */
function clampCount(count: number, total: number): number {
  return Math.min(total - 1, Math.max(1, count));
}
