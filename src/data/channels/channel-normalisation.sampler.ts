import { mapConcurrently } from '../../util/map-concurrently';
import { SeededRandom } from '../../util/seeded-random';
import { readChannelPlanes, type ChannelImageSource } from './channel-image.reader';
import { ChannelHistogram, type ChannelNormalisation } from './channel-normalisation';

/**
 * Images per plate whose pixels set the plate's ranges: the 0.1/99.9 percentiles of a dozen
 * fields of view (a few million pixels per channel) move by a grey level or two between
 * samples, and a plate of thousands of fields costs a dozen decodes, not thousands.
 */
export const NORMALISATION_SAMPLE_PER_PLATE = 12;

/**
 * Each plate's per-channel intensity ranges, from a seeded sample of its images (the same
 * seed and images give the same ranges). `imagesOf` gives one plate's images at a time, so a
 * large screen's list is never whole in memory. Paths are relative to `root`.
 */
export async function sampleNormalisation(
  root: string,
  plates: readonly string[],
  imagesOf: (plate: string) => Promise<ChannelImageSource[]>,
  channels: number,
  options: { seed: number; concurrency: number; perPlate?: number },
): Promise<ChannelNormalisation> {
  const normalisation: ChannelNormalisation = {};
  for (const plate of [...plates].sort()) {
    const sample = seededSample(await imagesOf(plate), options.perPlate ?? NORMALISATION_SAMPLE_PER_PLATE, SeededRandom.derive('normalisation', options.seed, plate));
    const histogram = new ChannelHistogram(channels);
    // each decoded image is counted as soon as it arrives: a plate's sample is never all in memory
    await mapConcurrently(sample, options.concurrency, async (image) => histogram.add(await readChannelPlanes(root, image, channels)));
    normalisation[plate] = histogram.ranges();
  }
  return normalisation;
}

/** Up to `count` images, chosen by a partial Fisher-Yates shuffle of the path-sorted list. */
function seededSample(images: readonly ChannelImageSource[], count: number, random: SeededRandom): ChannelImageSource[] {
  const pool = [...images].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const take = Math.min(count, pool.length);
  for (let i = 0; i < take; i += 1) {
    const j = i + Math.floor(random.next() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, take);
}
