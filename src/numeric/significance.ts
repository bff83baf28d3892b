import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import ttest from '@stdlib/stats-ttest';

/**
 * The inference the comparison report draws over seeds and cell lines: a Student-t interval
 * for a mean of few replicates, and a paired t-test of two setups over cell lines.
 */

export interface Interval {
  low: number;
  high: number;
}

/** The mean and its two-sided Student-t confidence interval (null with fewer than 2 values). */
export function meanWithInterval(values: readonly number[], confidence = 0.95): { mean: number; interval: Interval | null } | null {
  const n = values.length;
  if (n === 0) return null;
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  if (n === 1) return { mean, interval: null };
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1);
  const halfWidth = tQuantile(1 - (1 - confidence) / 2, n - 1) * Math.sqrt(variance / n);
  return { mean, interval: { low: mean - halfWidth, high: mean + halfWidth } };
}

/**
 * Two-sided paired t-test of x against y (same length, at least 2 pairs). Differences that are
 * all equal have no variance: equal pairs are not significant, a constant shift is.
 */
export function pairedTTest(x: readonly number[], y: readonly number[], alpha = 0.05): { pValue: number; significant: boolean } {
  if (x.length !== y.length || x.length < 2) throw new RangeError(`a paired t-test needs two arrays of the same length >= 2, got ${x.length} and ${y.length}`);
  const differences = x.map((value, index) => value - y[index]);
  if (differences.every((difference) => difference === differences[0])) {
    return differences[0] === 0 ? { pValue: 1, significant: false } : { pValue: 0, significant: true };
  }
  const { pValue } = ttest([...x], [...y], { alpha });
  return { pValue, significant: pValue < alpha };
}
