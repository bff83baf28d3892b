import type { BinaryClassificationReport } from './classification.metrics';
import type { ClusteringSweepPoint } from './clustering.evaluator';
import type { DistanceMetric } from '../numeric/distance.metrics';
import type { AggregateSimilarity, CellLineSimilarity } from './drug-similarity.evaluator';
import type { MapResult } from './map.evaluator';
import type { Measured } from './undefined-value';

/**
 * The stored shapes of a run's evaluation: the contract that reports, the dashboard and the
 * GraphQL API read. A row of `evaluations` is (run_id, task, cell_line_id, parameters,
 * result): one row per cell line, and one row with cell_line_id NULL holding the aggregate
 * over cell lines. `parameters` are the task's own, with every default filled in, so the
 * same request always finds the same rows (jsonb equality ignores key order) and another
 * parameter set is other rows. Re-running replaces the rows of the same run + task +
 * parameters in one transaction; it never duplicates them.
 *
 * Every metric that can be undefined is a Measured: {value: number} or {value: null,
 * reason}. No number in a stored result is NaN or infinite.
 *
 * Change these shapes only by adding fields.
 */
export type EvaluationTask = 'similarity' | 'classification' | 'clustering' | 'map';
export const EVALUATION_TASKS: readonly EvaluationTask[] = ['similarity', 'classification', 'clustering', 'map'];

export type MapKind = 'activity' | 'consistency';

/** What a `run.evaluate` job or the evaluateRun mutation may set; everything has a default. */
export interface EvaluationParameters {
  /** the known pair of task 1 (default Methotrexate, Pemetrexed) and the control (default DMSO) */
  drugA?: string;
  drugB?: string;
  control?: string;
  /** also one similarity per MoA shared by two or more compounds of the screen (default true) */
  moaGroups?: boolean;
  /** share of a cell line's plates held out for classification (default 0.25, at least one plate) */
  testFraction?: number;
  pcaComponents?: number;
  /** inverse regularisation strength of the logistic regression (default 1) */
  c?: number;
  minClusterSizes?: number[];
  minSamples?: number;
  /** mAP null size (default 10000) and significance threshold on the corrected p-value (default 0.05) */
  nullSize?: number;
  threshold?: number;
  seed?: number;
  /** the tasks to run (default all four) */
  tasks?: EvaluationTask[];
}

// ---- similarity -------------------------------------------------------------------------

export interface SimilarityParameters {
  /** sorted by name, so A-B and B-A are one row set */
  compounds: string[];
  control: string;
  /** the MoA when the group is "compounds sharing a MoA", else null */
  moa: string | null;
}

/** Row with a cell line: its medians and D^-1, d per metric (see drug-similarity.evaluator.ts). */
export interface SimilarityCellLineResult {
  cellLine: string;
  /** images per compound (and the control) in this cell line */
  images: Record<string, number>;
  metrics: CellLineSimilarity['metrics'];
}

/** Row without a cell line: median and MAD over cell lines. */
export interface SimilarityAggregateResult {
  compounds: string[];
  control: string;
  moa: string | null;
  cellLines: string[];
  aggregate: Record<DistanceMetric, AggregateSimilarity>;
}

// ---- classification ----------------------------------------------------------------------

export interface ClassificationParameters {
  /** held-out unit: whole plates */
  heldOut: 'plate';
  testFraction: number;
  pcaComponents: number;
  c: number;
  /** the control the top-dose ROC-AUC is computed against (all controls are class 0 in training) */
  control: string;
  seed: number;
}

export interface ActivityScore {
  compound: string;
  isControl: boolean;
  /** held-out images of the compound */
  images: number;
  /** mean predicted drug probability over those images */
  score: Measured;
  byConcentration: Array<{ concentration: number; images: number; score: Measured }>;
}

export interface TopDoseRocAuc {
  compound: string;
  concentration: number;
  images: number;
  /** the compound's held-out top-dose images against the control's held-out images, from the scores */
  rocAuc: Measured;
}

export type ClassificationCellLineResult =
  | {
      cellLine: string;
      status: 'ok';
      trainPlates: string[];
      heldOutPlates: string[];
      train: number;
      test: number;
      pcaComponents: number;
      iterations: number;
      converged: boolean;
      /** drug (1) vs control (0) on the held-out plates; rocAuc from the probabilities */
      report: BinaryClassificationReport;
      /** per compound, controls included: the dashboards' activity score */
      activityScores: ActivityScore[];
      topDose: {
        control: string;
        /** every drug's top-dose held-out images against the control's */
        rocAuc: Measured;
        compounds: TopDoseRocAuc[];
      };
    }
  | { cellLine: string; status: 'undefined'; reason: string };

export type ClassificationMetricName = 'accuracy' | 'precision' | 'recall' | 'specificity' | 'f1' | 'rocAuc' | 'topDoseRocAuc';

export interface MedianMad {
  median: Measured;
  mad: Measured;
  /** cell lines where the value is defined */
  cellLines: number;
}

export interface ClassificationAggregateResult {
  cellLines: string[];
  /** median and MAD over cell lines with the value defined */
  metrics: Record<ClassificationMetricName, MedianMad>;
}

// ---- clustering ----------------------------------------------------------------------

export interface ClusteringParameters {
  minClusterSizes: number[];
  minSamples: number;
  pcaComponents: number;
  seed: number;
}

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
      sweep: Array<ClusteringSweepPoint & { onDemand?: boolean }>;
    }
  | { cellLine: string; status: 'undefined'; reason: string };

export interface ClusteringAggregateResult {
  cellLines: string[];
  sweep: Array<{
    minClusterSize: number;
    clusterCount: MedianMad;
    noiseShare: MedianMad;
    silhouette: MedianMad;
    calinskiHarabasz: MedianMad;
    daviesBouldin: MedianMad;
    consistency: MedianMad;
  }>;
}

// ---- mAP ----------------------------------------------------------------------

export interface MapParameters {
  kind: MapKind;
  /** activity: well profiles (median of the well's images); consistency: one profile per compound at its top dose */
  level: 'well' | 'compound-top-dose';
  control: string;
  nullSize: number;
  threshold: number;
  seed: number;
}

/** Row with a cell line: copairs-style mAP within that cell line (see map.evaluator.ts). */
export interface MapCellLineResult extends MapResult {
  cellLine: string;
  profiles: number;
  /** mean of the groups' defined mAPs */
  meanAveragePrecision: Measured;
}

/**
 * Row without a cell line. meanAveragePrecision = mean over every (cell line, group) with a
 * defined mAP; fractionSignificant = share of those significant after Benjamini-Hochberg
 * within their cell line. byGroup: per group (compound@dose or MoA), the mean over cell lines.
 */
export interface MapAggregateResult {
  kind: MapKind;
  meanAveragePrecision: Measured;
  fractionSignificant: Measured;
  tested: number;
  cellLines: Array<{ cellLine: string; meanAveragePrecision: Measured; fractionSignificant: Measured }>;
  byGroup: Array<{ group: string; cellLines: number; meanAveragePrecision: Measured; significantIn: number }>;
}

/** What one evaluation of a run did. */
export interface EvaluationOutcome {
  status: 'succeeded' | 'skipped';
  reason?: string;
  cellLines: number;
  images: number;
  rows: number;
  seconds: { load: number; similarity: number; classification: number; clustering: number; map: number; total: number };
}
