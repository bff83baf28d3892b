import type { SeededRandom } from '../util/seeded-random';

/**
 * Average precision of a ranked list, copairs' definition: for relevance r_1..r_N (1 at
 * a positive) in rank order, AP = (1 / #pos) * sum over positive ranks k of precision@k.
 * Without tied scores this equals sklearn's average_precision_score; sklearn groups tied
 * scores into one threshold, copairs (and this) ranks ties in input order.
 */
export function averagePrecision(relevance: ArrayLike<number>): number | null {
  let hits = 0;
  let sum = 0;
  for (let k = 0; k < relevance.length; k += 1) {
    if (relevance[k] === 1) {
      hits += 1;
      sum += hits / (k + 1);
    }
  }
  return hits === 0 ? null : sum / hits;
}

/** sklearn.metrics.average_precision_score for binary labels (ties share a threshold); null without positives. */
export function averagePrecisionScore(labels: ArrayLike<number>, scores: ArrayLike<number>): number | null {
  const order = Array.from({ length: labels.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let positives = 0;
  for (let i = 0; i < labels.length; i += 1) if (labels[i] === 1) positives += 1;
  if (positives === 0) return null;
  let tp = 0;
  let seen = 0;
  let previousRecall = 0;
  let ap = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end < order.length && scores[order[end]] === scores[order[start]]) {
      if (labels[order[end]] === 1) tp += 1;
      end += 1;
    }
    seen = end;
    const recall = tp / positives;
    ap += (recall - previousRecall) * (tp / seen);
    previousRecall = recall;
    start = end;
  }
  return ap;
}

/**
 * AP of one random rank list with `positives` relevant items among `total`: a uniform
 * random subset of positions is marked by a partial Fisher-Yates over `scratch` (undone
 * afterwards, so the scratch stays the identity), then one scan of the list computes the
 * AP. O(total) per draw and no allocation: the null distributions draw millions of these.
 */
export function randomAveragePrecision(positives: number, total: number, random: SeededRandom, scratch: Int32Array, marks: Uint8Array = new Uint8Array(total), swaps: Int32Array = new Int32Array(positives)): number {
  for (let i = 0; i < positives; i += 1) {
    const j = i + Math.floor(random.next() * (total - i));
    swaps[i] = j;
    const t = scratch[i];
    scratch[i] = scratch[j];
    scratch[j] = t;
    marks[scratch[i]] = 1;
  }
  let hits = 0;
  let sum = 0;
  for (let k = 0; k < total && hits < positives; k += 1) {
    if (marks[k] === 1) {
      hits += 1;
      sum += hits / (k + 1);
      marks[k] = 0;
    }
  }
  // undo the swaps in reverse: the scratch is the identity again for the next draw
  for (let i = positives - 1; i >= 0; i -= 1) {
    const j = swaps[i];
    const t = scratch[i];
    scratch[i] = scratch[j];
    scratch[j] = t;
  }
  return sum / positives;
}

/** `size` random APs for one (#positives, list length) configuration. */
export function randomAveragePrecisionPool(positives: number, total: number, size: number, random: SeededRandom): Float64Array {
  const scratch = identityScratch(total);
  const marks = new Uint8Array(total);
  const swaps = new Int32Array(positives);
  const pool = new Float64Array(size);
  for (let i = 0; i < size; i += 1) pool[i] = randomAveragePrecision(positives, total, random, scratch, marks, swaps);
  return pool;
}

export function identityScratch(total: number): Int32Array {
  return Int32Array.from({ length: total }, (_, i) => i);
}

/**
 * Benjamini-Hochberg adjusted p-values (statsmodels multipletests 'fdr_bh', which copairs
 * uses): q_(i) = min over j >= i of p_(j) * m / j, capped at 1, in the input order.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((a, b) => pValues[a] - pValues[b]);
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let rank = m; rank >= 1; rank -= 1) {
    const index = order[rank - 1];
    running = Math.min(running, (pValues[index] * m) / rank);
    adjusted[index] = Math.min(1, running);
  }
  return adjusted;
}
