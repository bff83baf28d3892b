import type { LineNormalization } from '../line-normalization';
import type { DistanceMetric } from '../../../numeric/distance.metrics';
import type { AggregateSimilarity, CellLineSimilarity } from '../../drug-similarity.evaluator';
import type { SimilaritySampling } from '../sampling.parameters';

/** The similarity fields of an evaluation request; the control is shared (SharedParameters). */
export interface SimilarityInput {
  /** the known pair (default Methotrexate, Pemetrexed) */
  drugA: string;
  drugB: string;
  /** also one similarity per MoA shared by two or more compounds of the screen (default true) */
  moaGroups: boolean;
}

export interface SimilarityParameters {
  /** sorted by name, so A-B and B-A are one row set */
  compounds: string[];
  control: string;
  /** the MoA when the group is "compounds sharing a MoA", else null */
  moa: string | null;
  /** image pairs per compound pair on large cell lines (tasks/sampling.parameters.ts) */
  sampling: SimilaritySampling;
  /** how the vectors were scaled first (tasks/line-normalization.ts); absent on result sets stored before the setting: none */
  normalization?: LineNormalization;
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
