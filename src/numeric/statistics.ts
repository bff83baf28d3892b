/**
 * Order statistics used by the evaluations. Medians follow numpy (mean of the two middle
 * values for an even count); MAD follows scipy.stats.median_abs_deviation with its
 * default scale=1.0 (raw MAD, not the 1.4826-scaled normal-consistent one), as the
 * reference study reports "median +- MAD" of a handful of cell lines.
 */

/** Median of the finite entries; NaN entries are the caller's undefined pairs and are skipped. Returns null if none. */
export function median(values: ArrayLike<number>): number | null {
  const finite = new Float64Array(values.length);
  let count = 0;
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    if (!Number.isNaN(value)) finite[count++] = value;
  }
  return medianInPlace(finite, count);
}

/** Median of the first `count` entries of a scratch buffer, which it reorders (quickselect, O(n)). */
export function medianInPlace(buffer: Float64Array, count: number): number | null {
  if (count === 0) return null;
  const upper = count >> 1;
  const hi = select(buffer, 0, count - 1, upper);
  if (count % 2 === 1) return hi;
  // after selecting `upper`, everything left of it is <= it: the lower middle is their maximum
  let lo = -Infinity;
  for (let i = 0; i < upper; i += 1) if (buffer[i] > lo) lo = buffer[i];
  return (lo + hi) / 2;
}

export function medianAbsoluteDeviation(values: ArrayLike<number>): number | null {
  const center = median(values);
  if (center === null) return null;
  const deviations: number[] = [];
  for (let i = 0; i < values.length; i += 1) if (!Number.isNaN(values[i])) deviations.push(Math.abs(values[i] - center));
  return median(deviations);
}

export function mean(values: ArrayLike<number>): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (let i = 0; i < values.length; i += 1) sum += values[i];
  return sum / values.length;
}

/** Hoare-partition quickselect with median-of-three pivots: k-th smallest in buffer[left..right]. */
function select(buffer: Float64Array, left: number, right: number, k: number): number {
  while (right > left) {
    const mid = (left + right) >> 1;
    if (buffer[mid] < buffer[left]) swap(buffer, mid, left);
    if (buffer[right] < buffer[left]) swap(buffer, right, left);
    if (buffer[right] < buffer[mid]) swap(buffer, right, mid);
    const pivot = buffer[mid];
    let i = left;
    let j = right;
    while (i <= j) {
      while (buffer[i] < pivot) i += 1;
      while (buffer[j] > pivot) j -= 1;
      if (i <= j) {
        swap(buffer, i, j);
        i += 1;
        j -= 1;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return buffer[k];
  }
  return buffer[k];
}

function swap(buffer: Float64Array, a: number, b: number): void {
  const t = buffer[a];
  buffer[a] = buffer[b];
  buffer[b] = t;
}
