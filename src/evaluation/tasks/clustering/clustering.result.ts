import type { LineNormalization } from '../line-normalization';
import type { ClusteringSweepPoint } from '../../clustering.evaluator';
import type { MedianMad } from '../median-mad';
import type { Measured } from '../../undefined-value';
import type { ClusteringSampling } from '../sampling.parameters';

/** The clustering fields of an evaluation request (PCA width and seed are shared). */
export interface ClusteringInput {
  /** HDBSCAN's sweep (default 5, 10, 20, 40), sorted and without repeats */
  minClusterSizes: number[];
  minSamples: number;
}

export interface ClusteringParameters {
  minClusterSizes: number[];
  minSamples: number;
  pcaComponents: number;
  seed: number;
  /** the PCA, UMAP and silhouette samples on large cell lines (tasks/sampling.parameters.ts) */
  sampling: ClusteringSampling;
  /** how the vectors were scaled first (tasks/line-normalization.ts); absent on result sets stored before the setting: none */
  normalization?: LineNormalization;
}

/** a stored sweep point; one stored before AMI was measured has none (its labels give it) */
export type ClusteringSweepEntry = Omit<ClusteringSweepPoint, 'ami'> & { ami?: Measured; onDemand?: boolean };

export type ClusteringCellLineResult =
  | {
      cellLine: string;
      status: 'ok';
      points: number;
      pcaComponents: number;
      /** row i of coordinates, compounds, concentrations and every sweep point's labels is image imageIds[i] */
      imageIds: number[];
      compounds: string[];
      concentrations: number[];
      coordinates: Array<[number, number]>;
      /** the parameters' sweep, then any min_cluster_size asked for later (onDemand: true) */
      sweep: ClusteringSweepEntry[];
    }
  | { cellLine: string; status: 'undefined'; reason: string };

export interface ClusteringAggregatePoint {
  minClusterSize: number;
  clusterCount: MedianMad;
  noiseShare: MedianMad;
  silhouette: MedianMad;
  calinskiHarabasz: MedianMad;
  daviesBouldin: MedianMad;
  consistency: MedianMad;
  /** absent on aggregates stored before AMI was measured */
  ami?: MedianMad;
}

export interface ClusteringAggregateResult {
  cellLines: string[];
  sweep: ClusteringAggregatePoint[];
}
