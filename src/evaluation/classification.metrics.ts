import { measured, ratio, undefinedBecause, type Measured } from './undefined-value';

/**
 * Binary classification metrics with sklearn's definitions; label 1 is the positive class
 * (a drug), 0 the negative (the control). Where sklearn divides by zero it returns 0 (or
 * its `zero_division` argument) with a warning; a warning is lost in a stored result and
 * a 0 there reads as "the model is bad", so these return null with the reason instead:
 *   precision   tp / (tp + fp)       null when nothing was predicted positive
 *   recall      tp / (tp + fn)       null when there are no positives
 *   specificity tn / (tn + fp)       null when there are no negatives
 *   F1          2tp / (2tp + fp + fn) null only when there are neither positives nor positive
 *               predictions; equal to sklearn's 2PR/(P+R) whenever sklearn needs no zero_division
 *   ROC-AUC     null when only one class is present (sklearn raises ValueError)
 */
export type BinaryLabel = 0 | 1;

export interface ConfusionCounts {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface BinaryClassificationReport {
  samples: number;
  positives: number;
  negatives: number;
  threshold: number;
  confusion: ConfusionCounts;
  /** sklearn's confusion_matrix layout: [[tn, fp], [fn, tp]] */
  confusionMatrix: [[number, number], [number, number]];
  accuracy: Measured;
  precision: Measured;
  recall: Measured;
  specificity: Measured;
  f1: Measured;
  rocAuc: Measured;
}

export function confusionCounts(labels: ArrayLike<number>, predicted: ArrayLike<number>): ConfusionCounts {
  if (labels.length !== predicted.length) throw new RangeError(`${labels.length} labels but ${predicted.length} predictions`);
  const counts = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < labels.length; i += 1) {
    const truth = labels[i] === 1;
    const guess = predicted[i] === 1;
    if (truth && guess) counts.tp += 1;
    else if (truth) counts.fn += 1;
    else if (guess) counts.fp += 1;
    else counts.tn += 1;
  }
  return counts;
}

export function accuracy(c: ConfusionCounts): Measured {
  return ratio(c.tp + c.tn, c.tp + c.tn + c.fp + c.fn, 'no samples');
}

export function precision(c: ConfusionCounts): Measured {
  return ratio(c.tp, c.tp + c.fp, 'no sample was predicted positive (sklearn: zero_division, 0 by default)');
}

export function recall(c: ConfusionCounts): Measured {
  return ratio(c.tp, c.tp + c.fn, 'no positive samples (sklearn: zero_division, 0 by default)');
}

export function specificity(c: ConfusionCounts): Measured {
  return ratio(c.tn, c.tn + c.fp, 'no negative samples');
}

export function f1(c: ConfusionCounts): Measured {
  return ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn, 'no positive samples and no positive predictions (sklearn: zero_division, 0 by default)');
}

/**
 * Area under the ROC curve as the Mann-Whitney statistic: the probability that a random
 * positive scores above a random negative, ties counting one half. This is exactly what
 * sklearn's trapezoidal roc_auc_score computes (tied scores form one ROC point, whose
 * diagonal segment contributes half), without building the curve.
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): Measured {
  if (labels.length !== scores.length) throw new RangeError(`${labels.length} labels but ${scores.length} scores`);
  const n = labels.length;
  let positives = 0;
  for (let i = 0; i < n; i += 1) if (labels[i] === 1) positives += 1;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return undefinedBecause(`only one class present (${positives} positive, ${negatives} negative): ROC-AUC is not defined`);
  for (let i = 0; i < n; i += 1) if (!Number.isFinite(scores[i])) return undefinedBecause(`score ${i} is not finite`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  // sum of the (average, 1-based) ranks of the positives
  let rankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && scores[order[end]] === scores[order[start]]) end += 1;
    const averageRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k += 1) if (labels[order[k]] === 1) rankSum += averageRank;
    start = end;
  }
  return measured((rankSum - (positives * (positives + 1)) / 2) / (positives * negatives));
}

/** Everything for one held-out set: scores are probabilities of the positive class, predicted positive when > threshold, as sklearn's predict (decision function > 0). */
export function binaryClassificationReport(labels: ArrayLike<number>, scores: ArrayLike<number>, threshold = 0.5): BinaryClassificationReport {
  const predicted = Array.from(scores, (score) => (score > threshold ? 1 : 0));
  const confusion = confusionCounts(labels, predicted);
  return {
    samples: labels.length,
    positives: confusion.tp + confusion.fn,
    negatives: confusion.tn + confusion.fp,
    threshold,
    confusion,
    confusionMatrix: [
      [confusion.tn, confusion.fp],
      [confusion.fn, confusion.tp],
    ],
    accuracy: accuracy(confusion),
    precision: precision(confusion),
    recall: recall(confusion),
    specificity: specificity(confusion),
    f1: f1(confusion),
    rocAuc: rocAuc(labels, scores),
  };
}
