import { createHash } from 'node:crypto';
import type { CompoundAnnotation, NewImage } from '../../db/repositories/screen.repository';
import type { ScreenChannel } from '../channels/screen-channel';
import { splitByPlate, SplitError } from '../split.service';
import type { ImageFields } from '../manifest.codec';
import type { ImportRow } from './import-row';

const VALIDATION_FRACTION = 0.2;

/** The image's stored fields of a checked row. */
export function imageFields(row: ImportRow): ImageFields {
  return { path: row.path, cellLine: row.cellLine, compound: row.compound, concentration: row.concentration, plate: row.plate, well: row.well, site: row.site };
}

/**
 * The screen's identity: every image's file hash and metadata, in path order, and for a
 * multi-channel screen its channel names and roles (a grey screen's digest is as it always was).
 */
export function digestOf(images: readonly NewImage[], channels: readonly ScreenChannel[] = []): string {
  const hash = createHash('sha256');
  if (channels.length > 1) hash.update(`${JSON.stringify(channels.map(({ name, role }) => [name, role]))}\n`);
  const sorted = [...images].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const image of sorted) {
    hash.update(`${[image.path, image.cellLine, image.compound, String(image.concentration), image.plate, image.well, String(image.site), image.contentHash].join('\t')}\n`);
  }
  return hash.digest('hex');
}

export function compoundAnnotations(rows: readonly ImportRow[], overrides: Map<string, Partial<CompoundAnnotation>> | undefined): CompoundAnnotation[] {
  const byName = new Map<string, CompoundAnnotation>();
  for (const row of rows) {
    const known = byName.get(row.compound);
    if (!known) byName.set(row.compound, { name: row.compound, moa: row.moa, target: null, isControl: row.control });
    else if (known.moa === null && row.moa !== null) known.moa = row.moa;
  }
  for (const [name, annotation] of byName) {
    const override = overrides?.get(name);
    if (override) byName.set(name, { ...annotation, ...override, name });
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Whole plates held out for validation, recorded once so that every run sees the same split. */
export function plateSplit(images: readonly NewImage[], seed: number): Record<string, unknown> | null {
  const plates = [...new Set(images.map((image) => image.plate))];
  if (plates.length < 2) return null;
  try {
    const { method, validationFraction, trainPlates, validationPlates } = splitByPlate(
      plates.map((plate) => ({ id: plate, plate })),
      { seed, validationFraction: VALIDATION_FRACTION },
    );
    return { method, seed, validationFraction, trainPlates, validationPlates };
  } catch (error) {
    if (error instanceof SplitError) return null;
    throw error;
  }
}
