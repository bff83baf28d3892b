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
    expect(extractChannelFeatures({ data, width: 96, height: 96, channels: 1 })).toEqual(extractClassicalFeatures({ data, width: 96, height: 96 }));
  });

  it('name every feature of every channel <channel>_<feature>, in channel order, measured on that channel', () => {
    const specs = classicalFeatureSpecs(channels);
    expect(specs).toHaveLength(3 * 48);
    expect(specs[0].name).toBe(`dna_${CLASSICAL_FEATURES[0].name}`);
    expect(specs[48].name).toBe(`tubulin_${CLASSICAL_FEATURES[0].name}`);
    expect(specs[3 * 48 - 1].name).toBe(`actin_${CLASSICAL_FEATURES[47].name}`);
    expect(new Set(specs.map((spec) => spec.name)).size).toBe(3 * 48);
    const planes = [blobs(96, 'a', 5), blobs(96, 'b', 9), blobs(96, 'c', 3)];
    const data = new Uint8Array(3 * 96 * 96);
    planes.forEach((plane, c) => data.set(plane, c * 96 * 96));
    const features = extractChannelFeatures({ data, width: 96, height: 96, channels: 3 });
    expect(features).toHaveLength(3 * 48);
    planes.forEach((plane, c) => expect(features.subarray(c * 48, (c + 1) * 48)).toEqual(extractClassicalFeatures({ data: plane, width: 96, height: 96 })));
    expect(features.subarray(0, 48)).not.toEqual(features.subarray(48, 96));
  });
});
