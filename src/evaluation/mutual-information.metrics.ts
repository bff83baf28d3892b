import gammaln from '@stdlib/math-base-special-gammaln';

/**
 * Adjusted mutual information of two labellings, with sklearn.metrics.adjusted_mutual_info_score's
 * definition (natural log, average_method 'arithmetic'):
 *   AMI = (MI - E[MI]) / (mean(H(a), H(b)) - E[MI])
 * where E[MI] is the expected mutual information of two random labellings with the same
 * group sizes (the hypergeometric model of Vinh, Epps and Bailey, JMLR 2010). It is about 0
 * for a labelling unrelated to the other whatever the number of groups, and 1 when they agree.
 * That is what the clustering task's compound consistency lacks: one cluster holding every
 * image makes every compound "consistent", and AMI scores it 0.
 */
export function adjustedMutualInformation(a: ArrayLike<string | number>, b: ArrayLike<string | number>): number {
  if (a.length !== b.length) throw new RangeError(`${a.length} labels against ${b.length}`);
  const n = a.length;
  const { rows, columns, cells } = contingency(a, b);
  // sklearn: neither labelling splits the data (or there is none): a perfect match
  if ((rows.length === 1 && columns.length === 1) || n === 0) return 1;
  const mi = mutualInformation(rows, columns, cells, n);
  const emi = expectedMutualInformation(rows, columns, n);
  const normalizer = (entropy(rows, n) + entropy(columns, n)) / 2;
  let denominator = normalizer - emi;
  denominator = denominator < 0 ? Math.min(denominator, -Number.EPSILON) : Math.max(denominator, Number.EPSILON);
  return (mi - emi) / denominator;
}

interface Contingency {
  /** images per group of the first labelling */
  rows: number[];
  /** images per group of the second */
  columns: number[];
  /** the non-zero cells: [row, column, count] */
  cells: Array<[number, number, number]>;
}

function contingency(a: ArrayLike<string | number>, b: ArrayLike<string | number>): Contingency {
  const rowIds = new Map<string | number, number>();
  const columnIds = new Map<string | number, number>();
  const rows: number[] = [];
  const columns: number[] = [];
  const counts = new Map<number, number>();
  for (let i = 0; i < a.length; i += 1) {
    let row = rowIds.get(a[i]);
    if (row === undefined) rowIds.set(a[i], (row = rows.push(0) - 1));
    let column = columnIds.get(b[i]);
    if (column === undefined) columnIds.set(b[i], (column = columns.push(0) - 1));
    rows[row] += 1;
    columns[column] += 1;
    const key = row * a.length + column;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const cells: Array<[number, number, number]> = [...counts].map(([key, count]) => [Math.floor(key / a.length), key % a.length, count]);
  return { rows, columns, cells };
}

function mutualInformation(rows: readonly number[], columns: readonly number[], cells: ReadonlyArray<[number, number, number]>, n: number): number {
  if (rows.length === 1 || columns.length === 1) return 0;
  let mi = 0;
  for (const [row, column, count] of cells) {
    const term = (count / n) * (Math.log(count) - Math.log(n) - Math.log(rows[row] * columns[column]) + 2 * Math.log(n));
    // sklearn zeroes terms below float64's epsilon before summing
    if (Math.abs(term) >= Number.EPSILON) mi += term;
  }
  return Math.max(mi, 0);
}

function entropy(sizes: readonly number[], n: number): number {
  if (sizes.length === 1) return 0;
  let h = 0;
  for (const size of sizes) h -= (size / n) * (Math.log(size) - Math.log(n));
  return h;
}

/**
 * E[MI] over the hypergeometric distribution of each cell given the margins, summed as sklearn's
 * _expected_mutual_info_fast does: for each row i and column j, every cell count n_ij from
 * max(1, a_i + b_j - N) to min(a_i, b_j). Its work is the sum over cells of min(a_i, b_j), at
 * most N times the number of rows; log k! comes from a table of N + 1 entries.
 */
function expectedMutualInformation(rows: readonly number[], columns: readonly number[], n: number): number {
  if (rows.length === 1 || columns.length === 1) return 0;
  const logFactorial = new Float64Array(n + 1);
  for (let k = 0; k <= n; k += 1) logFactorial[k] = gammaln(k + 1);
  const logN = Math.log(n);
  let emi = 0;
  for (const ai of rows) {
    for (const bj of columns) {
      const fixed = logFactorial[ai] + logFactorial[bj] + logFactorial[n - ai] + logFactorial[n - bj] - logFactorial[n];
      const end = Math.min(ai, bj);
      for (let nij = Math.max(1, ai + bj - n); nij <= end; nij += 1) {
        const logProbability = fixed - logFactorial[nij] - logFactorial[ai - nij] - logFactorial[bj - nij] - logFactorial[n - ai - bj + nij];
        emi += (nij / n) * (logN + Math.log(nij) - Math.log(ai) - Math.log(bj)) * Math.exp(logProbability);
      }
    }
  }
  return emi;
}
