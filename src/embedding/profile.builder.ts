import type { ProfileNormalization } from '../db/entities/profile.entity';
import type { ProfileRecord } from '../db/repositories/profile.repository';
import type { ScreenImage } from '../db/repositories/screen-images.query';
import { elementwiseMedian } from '../numeric/vector';

/** What profiling needs of an image besides its embedding: all but where its file is. */
export type ProfiledImage = Omit<ScreenImage, 'path'>;

export const NORMALIZATIONS: readonly ProfileNormalization[] = ['none', 'standardize', 'mad-robustize'];

/** Spread below this counts as none: the feature is centred but not scaled. */
const MIN_SPREAD = 1e-6;
/** MAD of a normal distribution is 0.6745 sigma; scaling by 1.4826 makes it comparable to a standard deviation. */
const MAD_TO_SIGMA = 1.4826;

/**
 * Profiles by the profiling convention (pycytominer's): a well's profile is the median of
 * its images' embeddings; a treatment's (compound x cell line x concentration) the median of
 * its images' embeddings. Normalised profiles: every well profile is scaled feature by
 * feature against the DMSO wells of the same plate (standardize: mean and standard deviation;
 * mad-robustize: median and 1.4826 x MAD), and a treatment's normalised profile is the median
 * of its normalised well profiles. Plates without DMSO wells fall back to their other control
 * wells; plates without any control get no normalised profiles.
 */
export function buildProfiles(images: readonly ProfiledImage[], vectors: ReadonlyMap<number, Float32Array>): ProfileRecord[] {
  const embedded = images.filter((image) => vectors.has(image.id));
  const out: ProfileRecord[] = [];

  const treatments = groupBy(embedded, (image) => `${image.compoundId}|${image.cellLineId}|${image.concentration}`);
  for (const group of treatments.values()) {
    const first = group[0];
    out.push({ ...treatmentKey(first), level: 'treatment', normalization: 'none', plate: null, well: null, imageCount: group.length, vector: elementwiseMedian(group.map((image) => vectors.get(image.id)!)) });
  }

  interface Well {
    first: ProfiledImage;
    images: ProfiledImage[];
    vector: Float32Array;
  }
  const wells: Well[] = [...groupBy(embedded, (image) => `${image.plate}|${image.well}|${image.compoundId}|${image.cellLineId}|${image.concentration}`).values()].map((group) => ({
    first: group[0],
    images: group,
    vector: elementwiseMedian(group.map((image) => vectors.get(image.id)!)),
  }));
  for (const well of wells) {
    out.push({ ...treatmentKey(well.first), level: 'well', normalization: 'none', plate: well.first.plate, well: well.first.well, imageCount: well.images.length, vector: well.vector });
  }

  for (const normalization of NORMALIZATIONS.filter((name) => name !== 'none')) {
    const normalizedWells: Array<Well & { normalized: Float32Array }> = [];
    for (const plateWells of groupBy(wells, (well) => well.first.plate).values()) {
      const dmso = plateWells.filter((well) => well.first.compound.toUpperCase() === 'DMSO');
      const reference = dmso.length > 0 ? dmso : plateWells.filter((well) => well.first.isControl);
      if (reference.length === 0) continue;
      const scale = normalizer(normalization, reference.map((well) => well.vector));
      for (const well of plateWells) normalizedWells.push({ ...well, normalized: scale(well.vector) });
    }
    for (const well of normalizedWells) {
      out.push({ ...treatmentKey(well.first), level: 'well', normalization, plate: well.first.plate, well: well.first.well, imageCount: well.images.length, vector: well.normalized });
    }
    for (const group of groupBy(normalizedWells, (well) => `${well.first.compoundId}|${well.first.cellLineId}|${well.first.concentration}`).values()) {
      out.push({
        ...treatmentKey(group[0].first),
        level: 'treatment',
        normalization,
        plate: null,
        well: null,
        imageCount: group.reduce((total, well) => total + well.images.length, 0),
        vector: elementwiseMedian(group.map((well) => well.normalized)),
      });
    }
  }
  return out;
}

/** (x - centre) / spread per feature, centre and spread from the reference vectors. */
export function normalizer(normalization: ProfileNormalization, reference: readonly Float32Array[]): (vector: Float32Array) => Float32Array {
  if (normalization === 'none') return (vector) => vector;
  const dim = reference[0].length;
  const centre = new Float32Array(dim);
  const spread = new Float32Array(dim);
  const column = new Float64Array(reference.length);
  for (let d = 0; d < dim; d += 1) {
    for (let i = 0; i < reference.length; i += 1) column[i] = reference[i][d];
    if (normalization === 'standardize') {
      let mean = 0;
      for (const value of column) mean += value;
      mean /= column.length;
      let variance = 0;
      for (const value of column) variance += (value - mean) ** 2;
      // population standard deviation, as sklearn's StandardScaler (pycytominer's standardize)
      centre[d] = mean;
      spread[d] = Math.sqrt(variance / column.length);
    } else {
      const median = medianOf(column);
      centre[d] = median;
      spread[d] = MAD_TO_SIGMA * medianOf(column.map((value) => Math.abs(value - median)));
    }
  }
  return (vector) => {
    const out = new Float32Array(dim);
    for (let d = 0; d < dim; d += 1) out[d] = (vector[d] - centre[d]) / (spread[d] > MIN_SPREAD ? spread[d] : 1);
    return out;
  };
}

function medianOf(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function treatmentKey(image: ProfiledImage): Pick<ProfileRecord, 'compoundId' | 'cellLineId' | 'concentration'> {
  return { compoundId: image.compoundId, cellLineId: image.cellLineId, concentration: image.concentration };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
