/** Below this standard deviation a feature is constant within its group (Float32 features, so relative). */
const CONSTANT_RELATIVE_SD = 1e-6;

interface RunningMoments {
  count: number;
  mean: Float64Array;
  /** sum of squared deviations from the running mean (Welford's M2) */
  squares: Float64Array;
}

/**
 * Per-feature z-scores within groups (the classical baseline's groups are cell
 * lines: mean 0, population sd 1 over a line's images), streamed in two passes
 * so a screen never has to be held in memory: `accumulate` every image
 * (Welford's update, stable in one pass), then `standardize` each one. A
 * feature constant within a group becomes 0 there.
 */
export class GroupStandardizer {
  private readonly groups = new Map<string, RunningMoments>();

  constructor(readonly featureCount: number) {}

  accumulate(group: string, features: ArrayLike<number>): void {
    this.checkLength(features);
    let moments = this.groups.get(group);
    if (!moments) {
      moments = { count: 0, mean: new Float64Array(this.featureCount), squares: new Float64Array(this.featureCount) };
      this.groups.set(group, moments);
    }
    moments.count += 1;
    for (let f = 0; f < this.featureCount; f += 1) {
      const delta = features[f] - moments.mean[f];
      moments.mean[f] += delta / moments.count;
      moments.squares[f] += delta * (features[f] - moments.mean[f]);
    }
  }

  /** The z-scores of one image against its group's accumulated moments. */
  standardize(group: string, features: ArrayLike<number>): Float32Array {
    this.checkLength(features);
    const moments = this.groups.get(group);
    if (!moments) throw new Error(`standardize: group ${group} was never accumulated`);
    const result = new Float32Array(this.featureCount);
    for (let f = 0; f < this.featureCount; f += 1) {
      const mean = moments.mean[f];
      const sd = Math.sqrt(moments.squares[f] / moments.count);
      result[f] = sd > CONSTANT_RELATIVE_SD * Math.max(1, Math.abs(mean)) ? (features[f] - mean) / sd : 0;
    }
    return result;
  }

  private checkLength(features: ArrayLike<number>): void {
    if (features.length !== this.featureCount) throw new Error(`expected ${this.featureCount} features, got ${features.length}`);
  }
}

/** Both passes over rows already in memory: row i belongs to groups[i]. */
export function standardizeByGroup(groups: readonly string[], rows: ReadonlyArray<ArrayLike<number>>): Float32Array[] {
  if (groups.length !== rows.length) throw new Error(`standardizeByGroup: ${groups.length} groups for ${rows.length} rows`);
  if (rows.length === 0) return [];
  const standardizer = new GroupStandardizer(rows[0].length);
  rows.forEach((row, i) => standardizer.accumulate(groups[i], row));
  return rows.map((row, i) => standardizer.standardize(groups[i], row));
}
