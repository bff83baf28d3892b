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

/**
 * Whole plates go to validation, so plate batch effects cannot make the
 * held-out score look better than it is. Plates are sorted before the seeded
 * shuffle: the input order must not change the split.
 */
export function splitByPlate(items: readonly SplitItem[], options: Omit<SplitOptions, 'method'>): SplitRecord {
  const plates = [...new Set(items.map((item) => item.plate))].sort();
  if (plates.length < 2) throw new SplitError(`splitting by plate needs at least two plates, found ${plates.length}`);
  const held = clampCount(Math.round(plates.length * options.validationFraction), plates.length);
  SeededRandom.derive('morphospace/split-plate', options.seed).shuffle(plates);
  const validationPlates = new Set(plates.slice(0, held));
  const record: SplitRecord = {
    method: 'plate',
    seed: options.seed,
    validationFraction: options.validationFraction,
    trainPlates: plates.filter((plate) => !validationPlates.has(plate)).sort(),
    validationPlates: [...validationPlates].sort(),
    train: [],
    validation: [],
  };
  for (const item of items) (validationPlates.has(item.plate) ? record.validation : record.train).push(item.id);
  return record;
}

/** Seeded random split over groups (default: each image its own group). */
export function splitRandom(items: readonly SplitItem[], options: Omit<SplitOptions, 'method'>): SplitRecord {
  const groupOf = (item: SplitItem): string => item.group ?? `id:${String(item.id)}`;
  const groups = [...new Set(items.map(groupOf))].sort();
  if (groups.length < 2) throw new SplitError('a random split needs at least two groups');
  const held = clampCount(Math.round(groups.length * options.validationFraction), groups.length);
  SeededRandom.derive('morphospace/split-random', options.seed).shuffle(groups);
  const validationGroups = new Set(groups.slice(0, held));
  const record: SplitRecord = {
    method: 'random',
    seed: options.seed,
    validationFraction: options.validationFraction,
    trainPlates: [],
    validationPlates: [],
    train: [],
    validation: [],
  };
  const trainPlates = new Set<string>();
  const validationPlates = new Set<string>();
  for (const item of items) {
    if (validationGroups.has(groupOf(item))) {
      record.validation.push(item.id);
      validationPlates.add(item.plate);
    } else {
      record.train.push(item.id);
      trainPlates.add(item.plate);
    }
  }
  record.trainPlates = [...trainPlates].sort();
  record.validationPlates = [...validationPlates].sort();
  return record;
}

/** Both sides non-empty. */
function clampCount(count: number, total: number): number {
  return Math.min(total - 1, Math.max(1, count));
}
