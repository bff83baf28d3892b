import type { BinaryClassificationReport } from '../../classification.metrics';
import type { Measured } from '../../undefined-value';
import type { MedianMad } from '../median-mad';
import type { LineNormalization } from '../line-normalization';
import type { ClassificationSampling } from '../sampling.parameters';

/** The classification fields of an evaluation request (control, PCA width and seed are shared). */
export interface ClassificationInput {
  /** share of a cell line's plates held out (default 0.25, at least one plate) */
  testFraction: number;
  /** inverse regularisation strength of the logistic regression (default 1) */
  c: number;
}

export interface ClassificationParameters {
  /** held-out unit: whole plates */
  heldOut: 'plate';
  testFraction: number;
  pcaComponents: number;
  c: number;
  /** the control the top-dose ROC-AUC is computed against (all controls are class 0 in training) */
  control: string;
  seed: number;
  /** the PCA's fit on large cell lines (tasks/sampling.parameters.ts) */
  sampling: ClassificationSampling;
  /** how the vectors were scaled first (tasks/line-normalization.ts); absent on result sets stored before the setting: none */
  normalization?: LineNormalization;
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

export interface TopDose {
  control: string;
  /** every drug's top-dose held-out images against the control's */
  rocAuc: Measured;
  compounds: TopDoseRocAuc[];
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
      topDose: TopDose;
    }
  | { cellLine: string; status: 'undefined'; reason: string };

export const CLASSIFICATION_METRICS = ['accuracy', 'precision', 'recall', 'specificity', 'f1', 'rocAuc', 'topDoseRocAuc'] as const;
export type ClassificationMetricName = (typeof CLASSIFICATION_METRICS)[number];

export interface ClassificationAggregateResult {
  cellLines: string[];
  /** median and MAD over cell lines with the value defined */
  metrics: Record<ClassificationMetricName, MedianMad>;
}
