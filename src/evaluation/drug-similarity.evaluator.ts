import { DISTANCE_METRICS, type DistanceMetric } from '../numeric/distance.metrics';
import { medianPairDistances, type MedianDistance } from '../numeric/pairwise-distance.kernel';
import { mean, median, medianAbsoluteDeviation } from '../numeric/statistics';
import { measured, undefinedBecause, type Measured } from './undefined-value';
import type { VectorMatrix } from '../numeric/matrix';

/**
 * Task 1 of the reference study: do two drugs with the same mechanism (Methotrexate and
 * Pemetrexed) sit closer to each other than to the control, per cell line?
 *   D      = median d(A, B) over all image pairs
 *   D^-1   = 1 / D                       (larger: A and B closer)
 *   D_hat  = (median d(A, ctrl) + median d(B, ctrl)) / 2
 *   d      = (D_hat - D) / D_hat         (> 0: A and B closer to each other than to control)
 * and the median +- MAD of D^-1 and d over cell lines. A MoA group generalises the pair:
 * the per-cell-line value is the mean over all pairs of its compounds that are defined.
 */
export interface CellLineEmbeddings {
  cellLine: string;
  /** image embeddings by compound name; the control is one of the keys */
  byCompound: ReadonlyMap<string, VectorMatrix> | Readonly<Record<string, VectorMatrix>>;
}

export interface PairDistances {
  compoundA: string;
  compoundB: string;
  /** median over image pairs of d(A, B), d(A, control), d(B, control) */
  medianAB: Measured;
  medianAControl: Measured;
  medianBControl: Measured;
  /** D^-1 = 1 / median d(A, B) */
  inverseDistance: Measured;
  /** d = (D_hat - D) / D_hat */
  relativeDistance: Measured;
}

export interface CellLineSimilarity {
  cellLine: string;
  /** per metric: one entry per compound pair, and the group value (mean over defined pairs; the pair's own value for two compounds) */
  metrics: Record<DistanceMetric, { pairs: PairDistances[]; inverseDistance: Measured; relativeDistance: Measured }>;
}

export interface AggregateSimilarity {
  /** median and MAD over the cell lines where the value is defined */
  inverseDistance: { median: Measured; mad: Measured; cellLines: number };
  relativeDistance: { median: Measured; mad: Measured; cellLines: number };
}

export interface DrugSimilarityResult {
  compounds: string[];
  control: string;
  cellLines: CellLineSimilarity[];
  aggregate: Record<DistanceMetric, AggregateSimilarity>;
}

export interface DrugSimilarityOptions {
  control?: string;
  metrics?: readonly DistanceMetric[];
}

/** The reference study's pair (e.g. Methotrexate vs Pemetrexed): a group of two. */
export function evaluateDrugPair(cellLines: readonly CellLineEmbeddings[], compoundA: string, compoundB: string, options: DrugSimilarityOptions = {}): DrugSimilarityResult {
  return evaluateCompoundGroup(cellLines, [compoundA, compoundB], options);
}

/** Compounds sharing a MoA: every pair is evaluated, the group value is their mean. */
export function evaluateCompoundGroup(cellLines: readonly CellLineEmbeddings[], compounds: readonly string[], options: DrugSimilarityOptions = {}): DrugSimilarityResult {
  const control = options.control ?? 'DMSO';
  const metrics = options.metrics ?? DISTANCE_METRICS;
  const unique = [...new Set(compounds)];
  if (unique.length < 2) throw new RangeError('a similarity needs at least two different compounds');
  if (unique.includes(control)) throw new RangeError(`the control ${control} cannot be one of the compounds compared`);
  const perLine = cellLines.map((line) => similarityOfCompounds(allCompoundPairs(line), unique, control, metrics));
  const aggregate = {} as Record<DistanceMetric, AggregateSimilarity>;
  for (const metric of metrics) {
    aggregate[metric] = {
      inverseDistance: aggregateOver(perLine.map((line) => line.metrics[metric].inverseDistance), perLine.length),
      relativeDistance: aggregateOver(perLine.map((line) => line.metrics[metric].relativeDistance), perLine.length),
    };
  }
  return { compounds: unique, control, cellLines: perLine, aggregate };
}

/**
 * What a cell line's similarity reads: how many images a compound has, and the medians of
 * the distances between two compounds' images (over every pair, or over a seeded sample of
 * pairs: tasks/similarity/similarity.task.ts).
 */
export interface CompoundPairs {
  cellLine: string;
  images(name: string): number;
  medians(a: string, b: string, metrics: readonly DistanceMetric[]): Partial<Record<DistanceMetric, MedianDistance>>;
}

/** Every image pair of the cell line's per-compound matrices. */
export function allCompoundPairs(line: CellLineEmbeddings): CompoundPairs {
  const get = (name: string): VectorMatrix | undefined => (line.byCompound instanceof Map ? line.byCompound.get(name) : (line.byCompound as Record<string, VectorMatrix>)[name]);
  return {
    cellLine: line.cellLine,
    images: (name) => get(name)?.rows ?? 0,
    medians: (a, b, metrics) => medianPairDistances(get(a) as VectorMatrix, get(b) as VectorMatrix, metrics),
  };
}

/** One cell line's similarity of the compounds (two or more, the control not among them). */
export function similarityOfCompounds(line: CompoundPairs, compounds: readonly string[], control: string, metrics: readonly DistanceMetric[] = DISTANCE_METRICS): CellLineSimilarity {
  const missing = (name: string): string | null => (line.images(name) === 0 ? `cell line ${line.cellLine} has no images of ${name}` : null);
  // each compound-vs-control median once, however many pairs use it
  const toControl = new Map<string, Partial<Record<DistanceMetric, MedianDistance>>>();
  for (const name of compounds) {
    if (line.images(name) > 0 && line.images(control) > 0) toControl.set(name, line.medians(name, control, metrics));
  }
  const result = {} as CellLineSimilarity['metrics'];
  for (const metric of metrics) result[metric] = { pairs: [], inverseDistance: undefinedBecause('no pair'), relativeDistance: undefinedBecause('no pair') };
  for (let x = 0; x < compounds.length; x += 1) {
    for (let y = x + 1; y < compounds.length; y += 1) {
      const a = compounds[x];
      const b = compounds[y];
      const between = line.images(a) > 0 && line.images(b) > 0 ? line.medians(a, b, metrics) : undefined;
      for (const metric of metrics) {
        const medianAB = between ? fromMedian(between[metric] as MedianDistance, a, b) : undefinedBecause((missing(a) ?? missing(b)) as string);
        const medianAControl = toControl.has(a) ? fromMedian(toControl.get(a)![metric] as MedianDistance, a, control) : undefinedBecause((missing(a) ?? missing(control)) as string);
        const medianBControl = toControl.has(b) ? fromMedian(toControl.get(b)![metric] as MedianDistance, b, control) : undefinedBecause((missing(b) ?? missing(control)) as string);
        result[metric].pairs.push({ compoundA: a, compoundB: b, medianAB, medianAControl, medianBControl, ...derived(medianAB, medianAControl, medianBControl, a, b) });
      }
    }
  }
  for (const metric of metrics) {
    const pairs = result[metric].pairs;
    result[metric].inverseDistance = meanOfDefined(pairs.map((pair) => pair.inverseDistance), line.cellLine);
    result[metric].relativeDistance = meanOfDefined(pairs.map((pair) => pair.relativeDistance), line.cellLine);
  }
  return { cellLine: line.cellLine, metrics: result };
}

function fromMedian(m: MedianDistance, a: string, b: string): Measured {
  if (m.median === null) return undefinedBecause(`every ${a}-${b} image pair has an undefined distance (zero or constant embeddings)`);
  return measured(m.median);
}

function derived(ab: Measured, ac: Measured, bc: Measured, a: string, b: string): Pick<PairDistances, 'inverseDistance' | 'relativeDistance'> {
  const inverseDistance = ab.value === null ? undefinedBecause(ab.reason) : ab.value === 0 ? undefinedBecause(`median distance between ${a} and ${b} is 0`) : measured(1 / ab.value);
  let relativeDistance: Measured;
  if (ab.value === null) relativeDistance = undefinedBecause(ab.reason);
  else if (ac.value === null) relativeDistance = undefinedBecause(ac.reason);
  else if (bc.value === null) relativeDistance = undefinedBecause(bc.reason);
  else {
    const dHat = (ac.value + bc.value) / 2;
    relativeDistance = dHat === 0 ? undefinedBecause('both drugs have median distance 0 to the control') : measured((dHat - ab.value) / dHat);
  }
  return { inverseDistance, relativeDistance };
}

function meanOfDefined(values: Measured[], cellLine: string): Measured {
  const defined = values.filter((v) => v.value !== null).map((v) => v.value as number);
  if (defined.length === 0) {
    const reasons = [...new Set(values.map((v) => v.reason))].join('; ');
    return undefinedBecause(reasons || `cell line ${cellLine}: no compound pair`);
  }
  return measured(mean(defined) as number);
}

function aggregateOver(values: Measured[], total: number): { median: Measured; mad: Measured; cellLines: number } {
  const defined = values.filter((v) => v.value !== null).map((v) => v.value as number);
  if (defined.length === 0) {
    const reason = total === 0 ? 'no cell lines' : `undefined in all ${total} cell lines`;
    return { median: undefinedBecause(reason), mad: undefinedBecause(reason), cellLines: 0 };
  }
  return { median: measured(median(defined) as number), mad: measured(medianAbsoluteDeviation(defined) as number), cellLines: defined.length };
}
