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
 * Fed one image at a time, in path order, so no screen has to be in memory to be identified.
 */
export class ContentDigest {
  private readonly hash = createHash('sha256');

  constructor(channels: readonly ScreenChannel[] = []) {
    if (channels.length > 1) this.hash.update(`${JSON.stringify(channels.map(({ name, role }) => [name, role]))}\n`);
  }

  add(image: NewImage): void {
    this.hash.update(`${[image.path, image.cellLine, image.compound, String(image.concentration), image.plate, image.well, String(image.site), image.contentHash].join('\t')}\n`);
  }

  hex(): string {
    return this.hash.digest('hex');
  }
}

/** The digest of images in any order (a screen stored before digests were recorded). */
export function digestOf(images: readonly NewImage[], channels: readonly ScreenChannel[] = []): string {
  const digest = new ContentDigest(channels);
  for (const image of [...images].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) digest.add(image);
  return digest.hex();
}

/**
 * What a screen's rows say about its plates, cell lines and compounds, counted as the rows pass:
 * it grows with the distinct plates, cell lines and compounds, not with the images.
 */
export class ContentTally {
  images = 0;
  private readonly plates = new Set<string>();
  private readonly cellLines = new Set<string>();
  private readonly compounds = new Map<string, CompoundAnnotation>();

  add(row: ImportRow): void {
    this.images += 1;
    this.plates.add(row.plate);
    this.cellLines.add(row.cellLine);
    const known = this.compounds.get(row.compound);
    if (!known) this.compounds.set(row.compound, { name: row.compound, moa: row.moa, target: null, isControl: row.control });
    else if (known.moa === null && row.moa !== null) known.moa = row.moa;
  }

  plateNames(): string[] {
    return [...this.plates].sort();
  }

  cellLineNames(): string[] {
    return [...this.cellLines].sort();
  }

  /** Each compound's annotation from its rows (the checker makes them agree), `overrides` over it. */
  annotations(overrides: Map<string, Partial<CompoundAnnotation>> | undefined): CompoundAnnotation[] {
    return [...this.compounds.values()]
      .map((annotation) => ({ ...annotation, ...overrides?.get(annotation.name), name: annotation.name }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }
}

/** Whole plates held out for validation, recorded once so that every run sees the same split. */
export function plateSplit(plates: readonly string[], seed: number): Record<string, unknown> | null {
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
