import { clusterQuality, compoundConsistency, type ClusterQuality } from './cluster-quality.metrics';
import { hdbscanSweep } from './hdbscan.clusterer';
import { adjustedMutualInformation } from './mutual-information.metrics';
import { fitPca, projectPca } from '../numeric/pca';
import { umapProject, type UmapOptions } from './umap.projection';
import { umapFitTransform } from './umap.transform';
import { allRows, sampleOf, type ClusteringSampling } from './tasks/sampling.parameters';
import { selectRows } from '../numeric/matrix';
import { measured, undefinedBecause, type Measured } from './undefined-value';
import type { VectorMatrix } from '../numeric/matrix';

/**
 * Task 3: clustering within a cell line. PCA (50 components) first, because UMAP's
 * neighbour graph on 2048-d is costly and noisy; then 2-D UMAP; then HDBSCAN with
 * min_samples 1 (the study's setting) over a sweep of min_cluster_size, all on the same
 * 2-D coordinates, which are kept in the result for plots. Quality indices are computed on
 * those coordinates with noise excluded (see cluster-quality.metrics.ts). On a cell line
 * whose UMAP is fitted on a sample, HDBSCAN clusters every image but the indices score the
 * fitted images alone: the transformed images lie more diffusely than a fit would place
 * them, which moved the silhouette by 0.02-0.03 on 5,000 images (README, "Sampled evaluation").
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
  /** seeded samples for the PCA fit and the UMAP fit on large cell lines (none: every image) */
  sampling?: ClusteringSampling;
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
  /** adjusted mutual information of the labels (noise, -1, as one label) and the compounds: 0 by chance, 1 when clusters are compounds */
  ami: Measured;
}

export type CellLineClustering =
  | { cellLine: string; status: 'ok'; points: number; pcaComponents: number; coordinates: Array<[number, number]>; compounds: string[]; sweep: ClusteringSweepPoint[] }
  | { cellLine: string; status: 'undefined'; reason: string };

export const DEFAULT_MIN_CLUSTER_SIZES = [5, 10, 20, 40] as const;

export function evaluateClustering(input: ClusteringInput, options: ClusteringOptions = {}): CellLineClustering {
  const { cellLine, embeddings, compounds } = input;
  if (compounds.length !== embeddings.rows) throw new RangeError(`${embeddings.rows} embeddings but ${compounds.length} compound names`);
  const seed = options.seed ?? 0;
  const sampling = options.sampling ?? { exact: true, seed: 0, pcaFitImages: 0, umapFitImages: 0 };
  const rows = allRows(embeddings.rows);
  let reduced = embeddings;
  const wanted = options.pcaComponents ?? 50;
  if (embeddings.dim > wanted && embeddings.rows > 2) {
    const pcaRows = sampleOf(rows, sampling.pcaFitImages, sampling, 'clustering-pca', cellLine);
    const pca = fitPca(pcaRows === rows ? embeddings : selectRows(embeddings, pcaRows), { components: wanted, seed: `clustering-pca:${seed}:${cellLine}` });
    reduced = projectPca(pca, embeddings);
  }
  const umapRows = umapFitRows(embeddings.rows, sampling, cellLine);
  const umap = { ...options.umap, seed: options.umap?.seed ?? `umap:${seed}:${cellLine}` };
  const projected = umapRows.length === embeddings.rows ? umapProject(reduced, umap) : umapFitTransform(reduced, umapRows, umap);
  if (projected.status !== 'ok') return { cellLine, status: 'undefined', reason: `cell line ${cellLine}: ${projected.reason}` };
  const coordinates = projected.coordinates;
  const sweep = sweepPoints(coordinates, options.minClusterSizes ?? DEFAULT_MIN_CLUSTER_SIZES, options.minSamples ?? 1, compounds, umapRows);
  const points: Array<[number, number]> = [];
  for (let i = 0; i < coordinates.rows; i += 1) points.push([coordinates.data[i * coordinates.dim], coordinates.data[i * coordinates.dim + 1]]);
  return { cellLine, status: 'ok', points: coordinates.rows, pcaComponents: reduced.dim, coordinates: points, compounds: [...compounds], sweep };
}

/** The rows UMAP is fitted on (every row unless the cell line is larger than the fit sample); no sampling: every row. */
export function umapFitRows(n: number, sampling: ClusteringSampling | undefined, cellLine: string): readonly number[] {
  const rows = allRows(n);
  return sampling ? sampleOf(rows, sampling.umapFitImages, sampling, 'clustering-umap', cellLine) : rows;
}

/**
 * HDBSCAN at each min_cluster_size on the same 2-D coordinates, with consistency and AMI over
 * every image and the quality indices over the rows `scored` (the UMAP fit's rows).
 */
export function sweepPoints(coordinates: VectorMatrix, sizes: readonly number[], minSamples: number, compounds: readonly string[], scored: readonly number[]): ClusteringSweepPoint[] {
  const scoredCoordinates = scored.length === coordinates.rows ? coordinates : selectRows(coordinates, scored);
  return hdbscanSweep(coordinates, sizes, { minSamples }).map((result, i): ClusteringSweepPoint => {
    const consistency = compoundConsistency(result.labels, compounds);
    const scoredLabels = scored.length === coordinates.rows ? result.labels : scored.map((row) => result.labels[row]);
    return {
      minClusterSize: sizes[i],
      labels: Array.from(result.labels),
      probabilities: Array.from(result.probabilities),
      clusterCount: result.clusterCount,
      noiseShare: result.noiseCount / coordinates.rows,
      quality: clusterQuality(scoredCoordinates, scoredLabels),
      consistency: result.clusterCount === 0 ? undefinedBecause(`no cluster at min_cluster_size ${sizes[i]}: every image is noise`) : consistency.value,
      consistencyByCompound: consistency.perCompound,
      ami: compoundAmi(result.labels, compounds),
    };
  });
}

/**
 * AMI of a sweep point's labels against the compounds, noise (-1) counted as one more label as
 * sklearn counts it when handed HDBSCAN's labels: images left as noise lower the score.
 */
export function compoundAmi(labels: ArrayLike<number>, compounds: readonly string[]): Measured {
  return measured(adjustedMutualInformation(compounds, labels));
}
