import type { ProfileRecord } from '../../src/db/repositories/profile.repository';
import type { ScreenImage } from '../../src/db/repositories/screen-images.query';
import { NORMALIZATIONS, normalizer } from '../../src/embedding/profile.normalizer';
import { elementwiseMedian } from '../../src/numeric/vector';

/** What profiling needs of an image besides its embedding: all but where its file is. */
export type ProfiledImage = Omit<ScreenImage, 'path'>;

/**
 * The profiles as they were computed before they were streamed (the whole run in memory): the
 * reference the streamed build (src/embedding/profile.service.ts) is checked against.
 * Profiles by the profiling convention (pycytominer's): a well's profile is the median of
 * its images' embeddings; a treatment's (compound x cell line x concentration) the median of
 * its images' embeddings. Normalised profiles: every well profile is scaled feature by
 * feature against the DMSO wells of the same plate (standardize: mean and standard deviation;
 * mad-robustize: median and 1.4826 x MAD), and a treatment's normalised profile is the median
 * of its normalised well profiles. Plates without DMSO wells fall back to their other control
 * wells; plates without any control get no normalised profiles.
 */
export function inMemoryProfiles(images: readonly ProfiledImage[], vectors: ReadonlyMap<number, Float32Array>): ProfileRecord[] {
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
