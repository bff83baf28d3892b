import { describe, expect, it } from 'vitest';
import { syntheticLineData, syntheticRunEmbeddings } from '../../src/evaluation/evaluation.benchmark';
import { euclideanDistanceMatrix, hdbscanFromDistances, hdbscanSweep } from '../../src/evaluation/hdbscan.clusterer';
import { clusterQuality, compoundConsistency } from '../../src/evaluation/cluster-quality.metrics';
import { umapFitRows } from '../../src/evaluation/clustering.evaluator';
import { refinePlaced } from '../../src/evaluation/umap.refinement';
import { classificationOfLine } from '../../src/evaluation/tasks/classification/classification-line';
import { clusteringOfLine } from '../../src/evaluation/tasks/clustering/clustering.task';
import type { ClusteringParameters } from '../../src/evaluation/tasks/clustering/clustering.result';
import type { ClassificationParameters } from '../../src/evaluation/tasks/classification/classification.result';
import { allRows, sampleOf } from '../../src/evaluation/tasks/sampling.parameters';
import { pairParameters } from '../../src/evaluation/tasks/similarity/similarity.parameters';
import { similarityOfLine } from '../../src/evaluation/tasks/similarity/similarity.task';
import type { SimilarityParameters } from '../../src/evaluation/tasks/similarity/similarity.result';
import { matrixFromRows } from '../../src/numeric/matrix';
import { SeededRandom } from '../../src/util/seeded-random';

/** 900 images, 16-d: 90 per drug, 180 DMSO; four plates. */
const line = syntheticLineData(syntheticRunEmbeddings(900, 1, 16, 7)[0]);
/** 400 images: UMAP's cost keeps the clustering test to a smaller cell line */
const small = syntheticLineData(syntheticRunEmbeddings(400, 1, 16, 7)[0]);

const similarity = (seed: number, exact: boolean, pairs: number): SimilarityParameters => ({ ...pairParameters('Methotrexate', 'Pemetrexed', 'DMSO'), sampling: { exact, seed, pairsPerCompoundPair: pairs } });
const classification = (seed: number, exact: boolean, pcaFitImages: number): ClassificationParameters => ({
  heldOut: 'plate',
  testFraction: 0.25,
  pcaComponents: 4,
  c: 1,
  control: 'DMSO',
  seed: 0,
  sampling: { exact, seed, pcaFitImages },
});
const clustering = (seed: number, exact: boolean, size: number): ClusteringParameters => ({
  minClusterSizes: [5, 20],
  minSamples: 1,
  pcaComponents: 8,
  seed: 0,
  sampling: { exact, seed, pcaFitImages: size, umapFitImages: size },
});

describe('sampled evaluation', () => {
  it('draws a seeded, sorted subset of the size asked for, and everything below it', () => {
    const rows = allRows(1000);
    const a = sampleOf(rows, 100, { exact: false, seed: 1 }, 'x');
    expect(a).toHaveLength(100);
    expect(new Set(a).size).toBe(100);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(sampleOf(rows, 100, { exact: false, seed: 1 }, 'x')).toEqual(a);
    expect(sampleOf(rows, 100, { exact: false, seed: 2 }, 'x')).not.toEqual(a);
    expect(sampleOf(rows, 100, { exact: false, seed: 1 }, 'y')).not.toEqual(a);
    expect(sampleOf(rows, 1000, { exact: false, seed: 1 })).toBe(rows);
    expect(sampleOf(rows, 100, { exact: true, seed: 1 })).toBe(rows);
  });

  it('similarity: same sampling seed, same numbers; below the pair budget, the exact numbers; sampled close to exact', () => {
    const exact = similarityOfLine(line, similarity(0, true, 0));
    // 90 x 90 and 90 x 180 pairs are within a budget of 20,000: nothing is drawn
    expect(similarityOfLine(line, similarity(3, false, 20_000))).toEqual(exact);
    const sampled = similarityOfLine(line, similarity(3, false, 2_000));
    expect(similarityOfLine(line, similarity(3, false, 2_000))).toEqual(sampled);
    const other = similarityOfLine(line, similarity(4, false, 2_000));
    expect(other).not.toEqual(sampled);
    expect(sampled.metrics.cosine.pairs[0].medianAB).not.toEqual(exact.metrics.cosine.pairs[0].medianAB);
    expect(Math.abs(sampled.metrics.cosine.relativeDistance.value! - exact.metrics.cosine.relativeDistance.value!)).toBeLessThan(0.02);
  });

  it('classification: the PCA fitted on a seeded sample of the training images; exact below the cap', () => {
    const exact = classificationOfLine(line, classification(0, true, 0));
    expect(classificationOfLine(line, classification(5, false, 10_000))).toEqual(exact);
    const sampled = classificationOfLine(line, classification(5, false, 200));
    expect(classificationOfLine(line, classification(5, false, 200))).toEqual(sampled);
    expect(sampled).not.toEqual(exact);
    if (sampled.status !== 'ok' || exact.status !== 'ok') throw new Error('classification undefined');
    expect(sampled.test).toBe(exact.test);
    expect(Math.abs(sampled.report.rocAuc.value! - exact.report.rocAuc.value!)).toBeLessThan(0.05);
  });

  it('clustering: UMAP fitted on a sample and the rest transformed, seeded; exact below the sample size', () => {
    const exact = clusteringOfLine(small, clustering(0, true, 0));
    expect(clusteringOfLine(small, clustering(9, false, 5_000))).toEqual(exact);
    const sampled = clusteringOfLine(small, clustering(9, false, 150));
    expect(clusteringOfLine(small, clustering(9, false, 150))).toEqual(sampled);
    expect(sampled).not.toEqual(exact);
    if (sampled.status !== 'ok') throw new Error(sampled.reason);
    expect(sampled.points).toBe(400);
    expect(sampled.coordinates.every(([x, y]) => Number.isFinite(x) && Number.isFinite(y))).toBe(true);
  });

  it('HDBSCAN from the points gives the tree of the distance matrix', () => {
    const random = new SeededRandom('hdbscan-points');
    const points = matrixFromRows(Array.from({ length: 300 }, (_, i) => [random.normal() + (i % 3) * 4, random.normal() - (i % 2) * 3]));
    for (const minSamples of [1, 4]) {
      const fromPoints = hdbscanSweep(points, [5, 15], { minSamples });
      [5, 15].forEach((minClusterSize, i) => {
        const fromMatrix = hdbscanFromDistances(euclideanDistanceMatrix(points), points.rows, { minClusterSize, minSamples });
        expect(Array.from(fromPoints[i].labels)).toEqual(Array.from(fromMatrix.labels));
        expect(Array.from(fromPoints[i].probabilities)).toEqual(Array.from(fromMatrix.probabilities));
      });
    }
  });

  it('clustering: the sampled quality indices score the UMAP fit images; consistency counts every image', () => {
    const parameters = clustering(9, false, 150);
    const sampled = clusteringOfLine(small, parameters);
    if (sampled.status !== 'ok') throw new Error(sampled.reason);
    const fit = umapFitRows(400, parameters.sampling, small.cellLine);
    expect(fit).toHaveLength(150);
    const fitted = matrixFromRows(fit.map((row) => sampled.coordinates[row]));
    for (const point of sampled.sweep) {
      expect(point.quality).toEqual(clusterQuality(fitted, fit.map((row) => point.labels[row])));
      expect(point.consistency).toEqual(compoundConsistency(point.labels, sampled.compounds).value);
    }
  });

  it('UMAP transform refinement spreads points placed on one spot, each staying by its fitted neighbours', () => {
    // two fitted clusters 10 apart; 50 points placed on each cluster's centre, every edge to its own cluster
    const random = new SeededRandom('refine');
    const fitted = Float32Array.from({ length: 200 }, (_, i) => random.normal() * 0.5 + (i % 2 === 0 && i >= 100 ? 10 : 0));
    const embedding = new Float32Array(200);
    const heads: number[] = [];
    const tails: number[] = [];
    for (let p = 0; p < 100; p += 1) {
      const side = p < 50 ? 0 : 1;
      embedding[2 * p] = side * 10;
      for (let j = 0; j < 5; j += 1) {
        heads.push(p);
        tails.push(side * 50 + ((p * 7 + j * 11) % 50));
      }
    }
    const edges = { heads: Int32Array.from(heads), tails: Int32Array.from(tails), weights: new Float64Array(heads.length).fill(0.5) };
    refinePlaced(embedding, fitted, 2, edges, { epochs: 66, minDist: 0.1, seed: 1 });
    const spots = new Set<string>();
    for (let p = 0; p < 100; p += 1) {
      const centre = p < 50 ? 0 : 10;
      expect(Math.abs(embedding[2 * p] - centre)).toBeLessThan(3);
      spots.add(`${embedding[2 * p].toFixed(3)},${embedding[2 * p + 1].toFixed(3)}`);
    }
    expect(spots.size).toBe(100);
    const again = new Float32Array(200);
    for (let p = 0; p < 100; p += 1) again[2 * p] = p < 50 ? 0 : 10;
    refinePlaced(again, fitted, 2, edges, { epochs: 66, minDist: 0.1, seed: 1 });
    expect(again).toEqual(embedding);
  });
});
