import type { LineNormalization } from '../line-normalization';
import type { MedianMad } from '../median-mad';
import type { Measured } from '../../undefined-value';

export const NSC_RULES = ['nsc', 'nscb'] as const;
/** nsc: the neighbour is not the same compound; nscb: neither the same compound nor sharing a batch */
export type NscRule = (typeof NSC_RULES)[number];

/** What a stored result set is keyed by: the control (never queried) and how profiles and neighbours are made. */
export interface NscParameters {
  control: string;
  /** treatment profile = elementwise median of its well profiles, a well profile the median of its images */
  profile: 'median-of-wells';
  metric: 'cosine';
  /** how the vectors were scaled first (tasks/line-normalization.ts); absent on result sets stored before the setting: none */
  normalization?: LineNormalization;
}

/** The neighbour a query treatment found under one rule. */
export interface NscNeighbour {
  compound: string;
  concentration: number;
  moa: string;
  similarity: number;
}

/** One treatment (compound x concentration) with a MoA in one cell line, and its neighbour under each rule (null: none eligible). */
export interface NscTreatment {
  compound: string;
  concentration: number;
  moa: string;
  /** batches of its wells' plates (batchOfPlate), sorted */
  batches: string[];
  wells: number;
  /** false when no other compound in the cell line has its MoA: then it is not queried */
  queried: boolean;
  nsc: NscNeighbour | null;
  nscb: NscNeighbour | null;
}

export interface NscMoaScore {
  moa: string;
  queried: number;
  correct: number;
  accuracy: Measured;
}

/** 1-NN MoA accuracy under one rule, over treatments. */
export interface NscScore {
  /** correct / queried: the treatment-level accuracy the papers report */
  accuracy: Measured;
  /** mean over MoAs of each MoA's accuracy (MoAs with a queried treatment) */
  perMoaAccuracy: Measured;
  queried: number;
  correct: number;
  /** treatments with a MoA shared by another compound that had no eligible candidate */
  skipped: number;
  /** rows and columns of `confusion`, sorted */
  moas: string[];
  /** confusion[i][j]: queried treatments of MoA moas[i] whose neighbour has MoA moas[j] */
  confusion: number[][];
  byMoa: NscMoaScore[];
}

/** Row with a cell line. */
export interface NscCellLineResult {
  cellLine: string;
  /** treatments with a MoA (controls excluded) */
  treatments: number;
  /** of those, not queried because no other compound shares their MoA */
  unmatched: number;
  nsc: NscScore;
  nscb: NscScore;
  neighbours: NscTreatment[];
}

/** Row without a cell line: the counts summed over cell lines, and the cell lines' accuracies' median and MAD. */
export interface NscAggregateResult {
  nsc: NscScore & { overCellLines: MedianMad };
  nscb: NscScore & { overCellLines: MedianMad };
  cellLines: Array<{ cellLine: string; nsc: Measured; nscb: Measured }>;
}
