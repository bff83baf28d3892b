import { describe, expect, it } from 'vitest';
import { clusterQuality, compoundConsistency } from '../../src/evaluation/cluster-quality.metrics';
import { compoundAmi, evaluateClustering } from '../../src/evaluation/clustering.evaluator';
import { matrixFromRows } from '../../src/numeric/matrix';
import { SeededRandom } from '../../src/util/seeded-random';
import { expectClose, expectNoNaN, reference } from './evaluation-reference';

describe('cluster quality (sklearn, noise excluded)', () => {
  it('silhouette, Calinski-Harabasz and Davies-Bouldin equal sklearn', () => {
    const q = reference.clusterQuality;
    const quality = clusterQuality(matrixFromRows(q.points), q.labels);
    expectClose(quality.silhouette.value, q.silhouette);
    expectClose(quality.calinskiHarabasz.value, q.calinskiHarabasz);
    expectClose(quality.daviesBouldin.value, q.daviesBouldin);
  });

  it('one cluster, or as many clusters as points, is explained', () => {
    const points = matrixFromRows([[0, 0], [1, 0], [5, 5]]);
    const one = clusterQuality(points, [0, 0, -1]);
    expect(one.silhouette).toEqual({ value: null, reason: '1 cluster (outside noise): the index needs at least 2' });
    expect(clusterQuality(points, [0, 1, 2]).daviesBouldin.value).toBeNull();
    expectNoNaN(one);
  });

  it('consistency: share of each compound in its most common cluster, averaged over compounds', () => {
    const result = compoundConsistency([0, 0, 1, -1, 1, 1], ['A', 'A', 'A', 'A', 'B', 'B']);
    expect(result.perCompound).toEqual({ A: 0.5, B: 1 });
    expect(result.value.value).toBe(0.75);
  });
});

describe('clustering within a cell line (PCA -> UMAP -> HDBSCAN sweep)', () => {
  const random = new SeededRandom(7);
  const compounds: string[] = [];
  const rows: number[][] = [];
  const names = ['DMSO', 'Methotrexate', 'Paclitaxel'];
  for (let g = 0; g < 3; g += 1) {
    for (let i = 0; i < 40; i += 1) {
      rows.push(Array.from({ length: 256 }, (_, k) => random.normal() * 0.5 + (k % 3 === g ? 4 : 0)));
      compounds.push(names[g]);
    }
  }
  const input = { cellLine: 'HT29', embeddings: matrixFromRows(rows), compounds };

  it('finds the three treatments, keeps 2-D coordinates, and is reproducible', () => {
    const a = evaluateClustering(input, { minClusterSizes: [5, 10, 20], pcaComponents: 20, seed: 1 });
    const b = evaluateClustering(input, { minClusterSizes: [5, 10, 20], pcaComponents: 20, seed: 1 });
    expect(a).toEqual(b);
    if (a.status !== 'ok') throw new Error(a.reason);
    expect(a.coordinates).toHaveLength(120);
    expect(a.sweep.map((s) => s.minClusterSize)).toEqual([5, 10, 20]);
    const at20 = a.sweep[2];
    expect(at20.clusterCount).toBe(3);
    expect(at20.consistency.value).toBeGreaterThan(0.9);
    expect(at20.ami.value).toBeGreaterThan(0.8);
    expect(at20.quality.silhouette.value).toBeGreaterThan(0.5);
    expectNoNaN(a);
  });

  it('AMI scores a clustering by chance or a single cluster about 0, where consistency gives the single cluster 1', () => {
    const one = compoundConsistency(new Array(compounds.length).fill(0), compounds);
    expect(one.value.value).toBe(1);
    expect(compoundAmi(new Array(compounds.length).fill(0), compounds).value).toBe(0);
    const shuffled = compounds.map((_, i) => (i * 7) % 3);
    expect(Math.abs(compoundAmi(shuffled, compounds).value!)).toBeLessThan(0.05);
  });

  it('a cell line with too few images is explained', () => {
    const tiny = evaluateClustering({ cellLine: 'PC3', embeddings: matrixFromRows(rows.slice(0, 3)), compounds: compounds.slice(0, 3) });
    expect(tiny).toEqual({ cellLine: 'PC3', status: 'undefined', reason: 'cell line PC3: 3 points: UMAP needs at least 4' });
  });
});
