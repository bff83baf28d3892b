import type { MapResult } from '../../map.evaluator';
import type { Measured } from '../../undefined-value';
import type { LineNormalization } from '../line-normalization';

export const MAP_KINDS = ['activity', 'consistency'] as const;
/** activity: replicate wells of a compound at a dose against the control's wells; consistency: compounds sharing a MoA */
export type MapKind = (typeof MAP_KINDS)[number];

/** The mAP fields of an evaluation request (control and seed are shared). */
export interface MapInput {
  /** size of the null distribution (default 10000) */
  nullSize: number;
  /** significance threshold on the corrected p-value (default 0.05) */
  threshold: number;
}

export interface MapParameters {
  kind: MapKind;
  /** activity: well profiles (median of the well's images); consistency: one profile per compound at its top dose */
  level: 'well' | 'compound-top-dose';
  control: string;
  nullSize: number;
  threshold: number;
  seed: number;
  /** how the vectors were scaled first (tasks/line-normalization.ts); absent on result sets stored before the setting: none */
  normalization?: LineNormalization;
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
