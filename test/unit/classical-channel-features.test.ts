import { describe, expect, it } from 'vitest';
import { GREY_CHANNELS } from '../../src/data/channels/screen-channel';
import { classicalFeatureSpecs, extractChannelFeatures } from '../../src/embedding/classical/channel-features';
import { CLASSICAL_FEATURES, extractClassicalFeatures } from '../../src/embedding/classical/classical-features';
import { SeededRandom } from '../../src/util/seeded-random';

/** Bright discs on a dark noisy background: objects for every measurement. */
function blobs(size: number, seed: string, radius: number): Uint8Array {
  const rng = new SeededRandom(seed);
  const data = new Uint8Array(size * size);
  const centres = Array.from({ length: 6 }, () => [rng.uniform(10, size - 10), rng.uniform(10, size - 10)]);
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const inside = centres.some(([cx, cy]) => (x - cx) ** 2 + (y - cy) ** 2 < radius * radius);
      data[y * size + x] = Math.round((inside ? 170 : 20) + rng.uniform(-10, 10));
    }
  }
  return data;
}

describe('classical features per channel', () => {
  const channels = [
    { name: 'dna', role: 'DNA' },
    { name: 'tubulin', role: 'tubulin' },
    { name: 'actin', role: 'actin' },
  ];

  it("keep a grey screen's 48 names and values", () => {
    expect(classicalFeatureSpecs(GREY_CHANNELS)).toEqual([...CLASSICAL_FEATURES]);
    expect(CLASSICAL_FEATURES).toHaveLength(48);
    const data = blobs(96, 'grey', 6);
    expect(extractChannelFeatures({ data, width: 96, height: 96, channels: 1 }, GREY_CHANNELS)).toEqual(extractClassicalFeatures({ data, width: 96, height: 96 }));
  });

  it('name every feature of every channel <channel>_<feature>, in channel order; without a DNA channel each channel segments its own', () => {
    const specs = classicalFeatureSpecs(channels);
    expect(specs).toHaveLength(3 * 48);
    expect(specs[0].name).toBe(`dna_${CLASSICAL_FEATURES[0].name}`);
    expect(specs[48].name).toBe(`tubulin_${CLASSICAL_FEATURES[0].name}`);
    expect(specs[3 * 48 - 1].name).toBe(`actin_${CLASSICAL_FEATURES[47].name}`);
    expect(new Set(specs.map((spec) => spec.name)).size).toBe(3 * 48);
    const planes = [blobs(96, 'a', 5), blobs(96, 'b', 9), blobs(96, 'c', 3)];
    const data = new Uint8Array(3 * 96 * 96);
    planes.forEach((plane, c) => data.set(plane, c * 96 * 96));
    const unsegmented = channels.map((channel) => ({ ...channel, role: channel.name === 'dna' ? 'chromatin' : channel.role }));
    const features = extractChannelFeatures({ data, width: 96, height: 96, channels: 3 }, unsegmented);
    expect(features).toHaveLength(3 * 48);
    planes.forEach((plane, c) => expect(features.subarray(c * 48, (c + 1) * 48)).toEqual(extractClassicalFeatures({ data: plane, width: 96, height: 96 })));
    expect(features.subarray(0, 48)).not.toEqual(features.subarray(48, 96));
  });

  it('take objects and nuclei from the DNA channel, and measure each channel within them', () => {
    const dna = blobs(96, 'nuclei', 6);
    const flat = new Uint8Array(96 * 96).fill(51);
    const other = blobs(96, 'other', 9);
    const data = new Uint8Array(3 * 96 * 96);
    [other, dna, flat].forEach((plane, c) => data.set(plane, c * 96 * 96));
    const order = [channels[1], channels[0], channels[2]];
    const features = extractChannelFeatures({ data, width: 96, height: 96, channels: 3 }, order);
    const column = (c: number, name: string) => features[c * 48 + CLASSICAL_FEATURES.findIndex((spec) => spec.name === name)];
    const own = (plane: Uint8Array, name: string) => extractClassicalFeatures({ data: plane, width: 96, height: 96 })[CLASSICAL_FEATURES.findIndex((spec) => spec.name === name)];

    expect(features.subarray(48, 96)).toEqual(extractClassicalFeatures({ data: dna, width: 96, height: 96 }));
    expect(column(1, 'Count_Objects')).toBeGreaterThan(0);
    for (const name of ['Count_Objects', 'Count_Nuclei', 'AreaShape_MeanArea', 'AreaShape_MeanFormFactor', 'AreaShape_MeanNucleusArea', 'Neighbors_MeanNearestNeighbourDistance']) {
      expect(column(0, name), name).toBe(column(1, name));
      expect(column(2, name), name).toBe(column(1, name));
    }
    // a flat channel has no objects of its own, yet is measured inside the DNA channel's cells
    expect(own(flat, 'Count_Objects')).toBe(0);
    expect(column(2, 'Intensity_MeanObjectIntensity')).toBeCloseTo(51 / 255, 6);
    expect(column(2, 'Intensity_MeanNucleusIntensity')).toBeCloseTo(51 / 255, 6);
    expect(column(0, 'Count_Objects')).not.toBe(own(other, 'Count_Objects'));
    // features that are not about objects stay the channel's own
    expect(column(0, CLASSICAL_FEATURES[0].name)).toBe(own(other, CLASSICAL_FEATURES[0].name));
  });
});
