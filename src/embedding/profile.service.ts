import type { ProfileBuildRepository, ProfileBuildSession, StoredWellProfile, TreatmentKey } from '../db/repositories/profile-build.repository';
import type { ProfileRecord } from '../db/repositories/profile.repository';
import { elementwiseMedian } from '../numeric/vector';
import { NORMALIZATIONS, normalizer } from './profile.normalizer';

/** Profile rows held before they are inserted. */
const WRITE_EVERY = 256;

/**
 * A run's profiles by the profiling convention (pycytominer's), computed from its stored
 * embeddings a group at a time, never the whole run in memory:
 *
 * 1. a cursor over the embeddings ordered by treatment, plate and well gives each well's
 *    profile (the median of its images) and each treatment's (compound x cell line x
 *    concentration: the median of its images) as soon as its last image has passed;
 * 2. plate by plate, every well profile is scaled feature by feature against the plate's DMSO
 *    wells (standardize: mean and standard deviation; mad-robustize: median and 1.4826 x MAD),
 *    falling back to the plate's other control wells; plates without a control get none;
 * 3. a cursor over the normalised wells ordered by treatment gives each treatment's normalised
 *    profile, the median of its normalised wells.
 *
 * Memory: the largest treatment's vectors (step 1), the largest plate's wells (step 2), a
 * treatment's wells (step 3). All in one transaction: readers see the old profiles or the new.
 */
export class ProfileService {
  constructor(private readonly builds: ProfileBuildRepository) {}

  /** Replaces the run's profiles with ones computed from its embeddings; returns how many. */
  async rebuild(runId: string): Promise<number> {
    return this.builds.rebuild(runId, async (session) => {
      const writer = new ProfileWriter(session);
      await rawProfiles(session, writer);
      // the plates' well profiles are read back from the table
      await writer.flush();
      for (const plate of await session.plates()) await normalizedWells(await session.wellsOfPlate(plate), writer);
      await writer.flush();
      for (const normalization of NORMALIZATIONS.filter((name) => name !== 'none')) {
        for await (const group of treatmentGroups(session.wellsByTreatment(normalization))) {
          writer.add({
            ...keyOf(group[0]),
            level: 'treatment',
            normalization,
            plate: null,
            well: null,
            imageCount: group.reduce((total, well) => total + well.imageCount, 0),
            vector: elementwiseMedian(group.map((well) => well.vector)),
          });
          await writer.flushIfFull();
        }
      }
      await writer.flush();
      return writer.written;
    });
  }
}

async function rawProfiles(session: ProfileBuildSession, writer: ProfileWriter): Promise<void> {
  for await (const treatment of treatmentGroups(session.imageVectors())) {
    let start = 0;
    for (let i = 1; i <= treatment.length; i += 1) {
      if (i < treatment.length && treatment[i].plate === treatment[start].plate && treatment[i].well === treatment[start].well) continue;
      const well = treatment.slice(start, i);
      writer.add({ ...keyOf(well[0]), level: 'well', normalization: 'none', plate: well[0].plate, well: well[0].well, imageCount: well.length, vector: elementwiseMedian(well.map((image) => image.vector)) });
      start = i;
    }
    writer.add({ ...keyOf(treatment[0]), level: 'treatment', normalization: 'none', plate: null, well: null, imageCount: treatment.length, vector: elementwiseMedian(treatment.map((image) => image.vector)) });
    await writer.flushIfFull();
  }
}

async function normalizedWells(wells: readonly StoredWellProfile[], writer: ProfileWriter): Promise<void> {
  const dmso = wells.filter((well) => well.compound.toUpperCase() === 'DMSO');
  const reference = dmso.length > 0 ? dmso : wells.filter((well) => well.isControl);
  if (reference.length === 0) return;
  for (const normalization of NORMALIZATIONS.filter((name) => name !== 'none')) {
    const scale = normalizer(normalization, reference.map((well) => well.vector));
    for (const well of wells) writer.add({ ...keyOf(well), level: 'well', normalization, plate: well.plate, well: well.well, imageCount: well.imageCount, vector: scale(well.vector) });
  }
  await writer.flushIfFull();
}

/** Consecutive rows of one treatment, from pages ordered by treatment. */
async function* treatmentGroups<T extends TreatmentKey>(pages: AsyncIterable<T[]>): AsyncGenerator<T[]> {
  let group: T[] = [];
  for await (const page of pages) {
    for (const row of page) {
      if (group.length > 0 && !sameTreatment(group[0], row)) {
        yield group;
        group = [];
      }
      group.push(row);
    }
  }
  if (group.length > 0) yield group;
}

function sameTreatment(a: TreatmentKey, b: TreatmentKey): boolean {
  return a.compoundId === b.compoundId && a.cellLineId === b.cellLineId && a.concentration === b.concentration;
}

function keyOf(row: TreatmentKey): TreatmentKey {
  return { compoundId: row.compoundId, cellLineId: row.cellLineId, concentration: row.concentration };
}

/** Profiles inserted in chunks as they are made. */
class ProfileWriter {
  written = 0;
  private pending: ProfileRecord[] = [];

  constructor(private readonly session: ProfileBuildSession) {}

  add(profile: ProfileRecord): void {
    this.pending.push(profile);
  }

  async flushIfFull(): Promise<void> {
    if (this.pending.length >= WRITE_EVERY) await this.flush();
  }

  async flush(): Promise<void> {
    const chunk = this.pending;
    this.pending = [];
    await this.session.insert(chunk);
    this.written += chunk.length;
  }
}
