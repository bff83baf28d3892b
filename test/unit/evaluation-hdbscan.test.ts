import { describe, expect, it } from 'vitest';
import { coreDistances, euclideanDistanceMatrix, hdbscan, hdbscanSweep } from '../../src/evaluation/hdbscan.clusterer';
import { matrixFromRows } from '../../src/numeric/matrix';
import { SeededRandom } from '../../src/util/seeded-random';

function blobs(random: SeededRandom, centres: number[][], size: number, spread: number): number[][] {
  const points: number[][] = [];
  for (const centre of centres) for (let i = 0; i < size; i += 1) points.push(centre.map((c) => c + random.normal(0, spread)));
  return points;
}

/** Same partition up to renaming of the clusters. */
function samePartition(labels: ArrayLike<number>, expected: number[]): boolean {
  const map = new Map<number, number>();
  for (let i = 0; i < expected.length; i += 1) {
    if ((labels[i] === -1) !== (expected[i] === -1)) return false;
    if (expected[i] === -1) continue;
    const seen = map.get(expected[i]);
    if (seen === undefined) {
      if ([...map.values()].includes(labels[i])) return false;
      map.set(expected[i], labels[i]);
    } else if (seen !== labels[i]) return false;
  }
  return true;
}

describe('HDBSCAN', () => {
  const centres = [
    [0, 0],
    [20, 0],
    [0, 20],
  ];

  it('well separated blobs: exactly the blobs, no noise, clusters numbered in tree order', () => {
    const points = blobs(new SeededRandom(1), centres, 30, 1);
    const truth = points.map((_, i) => Math.floor(i / 30));
    for (const minSamples of [1, 5]) {
      const result = hdbscan(matrixFromRows(points), { minClusterSize: 10, minSamples });
      expect(result.clusterCount).toBe(3);
      expect(samePartition(result.labels, truth)).toBe(true);
      expect(result.noiseCount).toBe(0);
      expect(Math.max(...result.probabilities)).toBe(1);
      expect(Math.min(...result.probabilities)).toBeGreaterThan(0);
    }
  });

  it('blobs among scattered outliers: the blobs are found, the outliers are noise', () => {
    const random = new SeededRandom(2);
    const points = blobs(random, centres, 40, 0.5);
    // outliers sparser than the gaps between blobs leave the root before the blobs split;
    // outliers inside a blob's basin would (as in the library) join that blob with a low probability
    const outliers = Array.from({ length: 15 }, (_, k) => {
      const angle = (2 * Math.PI * k) / 15 + random.uniform(-0.05, 0.05);
      return [7 + 80 * Math.cos(angle), 7 + 80 * Math.sin(angle)];
    });
    const result = hdbscan(matrixFromRows([...points, ...outliers]), { minClusterSize: 15, minSamples: 5 });
    expect(result.clusterCount).toBe(3);
    const truth = points.map((_, i) => Math.floor(i / 40));
    expect(samePartition(Array.from(result.labels).slice(0, 120), truth)).toBe(true);
    expect(Array.from(result.labels).slice(120)).toEqual(new Array(15).fill(-1));
    expect(Array.from(result.probabilities).slice(120)).toEqual(new Array(15).fill(0));
    expect(result.noiseCount).toBe(15);
  });

  it('a single blob is not a cluster unless allowSingleCluster', () => {
    const points = blobs(new SeededRandom(3), [[0, 0]], 50, 1);
    const result = hdbscan(matrixFromRows(points), { minClusterSize: 30, minSamples: 1 });
    expect(result.clusterCount).toBe(0);
    expect(result.noiseCount).toBe(50);
    const single = hdbscan(matrixFromRows(points), { minClusterSize: 30, minSamples: 1, allowSingleCluster: true });
    expect(single.clusterCount).toBe(1);
  });

  it('fewer points than min_cluster_size, one point, no points: all noise', () => {
    expect(Array.from(hdbscan(matrixFromRows([[0, 0], [1, 1], [5, 5]]), { minClusterSize: 5, minSamples: 1 }).labels)).toEqual([-1, -1, -1]);
    expect(Array.from(hdbscan(matrixFromRows([[0, 0]]), { minClusterSize: 2, minSamples: 1 }).labels)).toEqual([-1]);
    expect(hdbscan(matrixFromRows([], 2), { minClusterSize: 2 }).labels.length).toBe(0);
    expect(() => hdbscan(matrixFromRows([[0, 0]]), { minClusterSize: 1 })).toThrow(RangeError);
  });

  it('core distances: the library does not count the point itself; min_samples = 1 makes mutual reachability the plain distance', () => {
    const points = matrixFromRows([[0], [1], [3], [7]]);
    const d = euclideanDistanceMatrix(points);
    expect(Array.from(coreDistances(d, 4, 1, 'hdbscan'))).toEqual([1, 1, 2, 4]);
    expect(Array.from(coreDistances(d, 4, 1, 'sklearn'))).toEqual([0, 0, 0, 0]);
    expect(Array.from(coreDistances(d, 4, 2, 'hdbscan'))).toEqual([3, 2, 3, 6]);
    expect(Array.from(coreDistances(d, 4, 2, 'sklearn'))).toEqual([1, 1, 2, 4]);
    // clamped to n - 1, as the library does
    expect(Array.from(coreDistances(d, 4, 10, 'hdbscan'))).toEqual([7, 6, 4, 7]);
    // with min_samples 1 both conventions give the same clustering
    const pts = blobs(new SeededRandom(4), centres, 12, 1.5);
    const a = hdbscan(matrixFromRows(pts), { minClusterSize: 5, minSamples: 1 });
    const b = hdbscan(matrixFromRows(pts), { minClusterSize: 5, minSamples: 1, coreDistanceConvention: 'sklearn' });
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
  });

  it('a sweep equals separate runs and is deterministic', () => {
    const points = matrixFromRows(blobs(new SeededRandom(5), [...centres, [10, 10]], 25, 2));
    const sizes = [5, 10, 20, 40];
    const sweep = hdbscanSweep(points, sizes, { minSamples: 1 });
    sizes.forEach((size, i) => expect(Array.from(sweep[i].labels)).toEqual(Array.from(hdbscan(points, { minClusterSize: size, minSamples: 1 }).labels)));
    expect(sweep[0].clusterCount).toBeGreaterThanOrEqual(4);
  });
});
