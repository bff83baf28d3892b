import { clusterQuality, compoundConsistency, type ClusterQuality } from './cluster-quality.metrics';
import { hdbscanSweep } from './hdbscan.clusterer';
import { fitPca, projectPca } from '../numeric/pca';
import { umapProject, type UmapOptions } from './umap.projection';
import { undefinedBecause, type Measured } from './undefined-value';
import type { VectorMatrix } from '../numeric/matrix';

/**
 * Task 3: clustering within a cell line. PCA (50 components) first, because UMAP's
 * neighbour graph on 2048-d is costly and noisy; then 2-D UMAP; then HDBSCAN with
 * min_samples 1 (the study's setting) over a sweep of min_cluster_size, all on the same
 * 2-D coordinates, which are kept in the result for plots. Quality indices are computed on
 * those coordinates with noise excluded (see cluster-quality.metrics.ts).
 */
export interface ClusteringInput {
  cellLine: string;
  embeddings: VectorMatrix;
  /** compound of each image (controls included under their own name) */
  compounds: readonly string[];
}

export interface ClusteringOptions {
  minClusterSizes?: readonly number[];
  minSamples?: number;
  pcaComponents?: number;
  umap?: UmapOptions;
  seed?: number | string;
}

export interface ClusteringSweepPoint {
  minClusterSize: number;
  labels: number[];
  probabilities: number[];
  clusterCount: number;
  noiseShare: number;
  quality: ClusterQuality;
  consistency: Measured;
  consistencyByCompound: Record<string, number>;
}

export type CellLineClustering =
  | { cellLine: string; status: 'ok'; points: number; pcaComponents: number; coordinates: Array<[number, number]>; compounds: string[]; sweep: ClusteringSweepPoint[] }
  | { cellLine: string; status: 'undefined'; reason: string };

export const DEFAULT_MIN_CLUSTER_SIZES = [5, 10, 20, 40] as const;

export function evaluateClustering(input: ClusteringInput, options: ClusteringOptions = {}): CellLineClustering {
  const { cellLine, embeddings, compounds } = input;
  if (compounds.length !== embeddings.rows) throw new RangeError(`${embeddings.rows} embeddings but ${compounds.length} compound names`);
  const seed = options.seed ?? 0;
  let reduced = embeddings;
  const wanted = options.pcaComponents ?? 50;
  if (embeddings.dim > wanted && embeddings.rows > 2) {
    const pca = fitPca(embeddings, { components: wanted, seed: `clustering-pca:${seed}:${cellLine}` });
    reduced = projectPca(pca, embeddings);
  }
  const projected = umapProject(reduced, { ...options.umap, seed: options.umap?.seed ?? `umap:${seed}:${cellLine}` });
  if (projected.status !== 'ok') return { cellLine, status: 'undefined', reason: `cell line ${cellLine}: ${projected.reason}` };
  const coordinates = projected.coordinates;
  const sweep = sweepPoints(coordinates, options.minClusterSizes ?? DEFAULT_MIN_CLUSTER_SIZES, options.minSamples ?? 1, compounds);
  const points: Array<[number, number]> = [];
  for (let i = 0; i < coordinates.rows; i += 1) points.push([coordinates.data[i * coordinates.dim], coordinates.data[i * coordinates.dim + 1]]);
  return { cellLine, status: 'ok', points: coordinates.rows, pcaComponents: reduced.dim, coordinates: points, compounds: [...compounds], sweep };
}

/** HDBSCAN at each min_cluster_size on the same 2-D coordinates, with quality and consistency. */
export function sweepPoints(coordinates: VectorMatrix, sizes: readonly number[], minSamples: number, compounds: readonly string[]): ClusteringSweepPoint[] {
  return hdbscanSweep(coordinates, sizes, { minSamples }).map((result, i): ClusteringSweepPoint => {
    const consistency = compoundConsistency(result.labels, compounds);
    return {
      minClusterSize: sizes[i],
      labels: Array.from(result.labels),
      probabilities: Array.from(result.probabilities),
      clusterCount: result.clusterCount,
      noiseShare: result.noiseCount / coordinates.rows,
      quality: clusterQuality(coordinates, result.labels),
      consistency: result.clusterCount === 0 ? undefinedBecause(`no cluster at min_cluster_size ${sizes[i]}: every image is noise`) : consistency.value,
      consistencyByCompound: consistency.perCompound,
    };
  });
}
