import { elementwiseMedian } from '../numeric/vector';
import { SeededRandom } from '../util/seeded-random';
import { rocAuc } from './classification.metrics';
import { evaluateClustering } from './clustering.evaluator';
import { DISTANCE_METRICS, type DistanceMetric } from '../numeric/distance.metrics';
import { evaluateDrugClassification } from './drug-classification.evaluator';
import { evaluateCompoundGroup } from './drug-similarity.evaluator';
import type {
  ActivityScore,
  ClassificationAggregateResult,
  ClassificationCellLineResult,
  ClassificationMetricName,
  ClassificationParameters,
  ClusteringAggregateResult,
  ClusteringCellLineResult,
  ClusteringParameters,
  MapAggregateResult,
  MapCellLineResult,
  MapParameters,
  MedianMad,
  SimilarityAggregateResult,
  SimilarityCellLineResult,
  SimilarityParameters,
  TopDoseRocAuc,
} from './evaluation-results';
import { activityMap, consistencyMap, type MapProfile } from './map.evaluator';
import { mean, median, medianAbsoluteDeviation } from '../numeric/statistics';
import { measured, undefinedBecause, type Measured } from './undefined-value';
import { selectRows, type VectorMatrix } from '../numeric/matrix';

/**
 * The four tasks on one cell line's embedded images, and their aggregates over cell lines:
 * pure functions from (images, vectors, task parameters) to the stored shapes of
 * evaluation-results.ts. The service loads a cell line, calls these, stores the results.
 */
export interface LineImage {
  id: number;
  compound: string;
  moa: string | null;
  isControl: boolean;
  concentration: number;
  plate: string;
  well: string;
}

export interface LineData {
  cellLine: string;
  images: readonly LineImage[];
  /** row i is images[i] */
  vectors: VectorMatrix;
}

// ---- similarity ----------------------------------------------------------------------

export function byCompound(line: LineData): Map<string, VectorMatrix> {
  const indices = new Map<string, number[]>();
  line.images.forEach((image, i) => indices.set(image.compound, [...(indices.get(image.compound) ?? []), i]));
  return new Map([...indices].map(([name, rows]) => [name, selectRows(line.vectors, rows)]));
}

export function similarityOfLine(line: LineData, parameters: SimilarityParameters, sets = byCompound(line)): SimilarityCellLineResult {
  const result = evaluateCompoundGroup([{ cellLine: line.cellLine, byCompound: sets }], parameters.compounds, { control: parameters.control });
  const images: Record<string, number> = {};
  for (const name of [...parameters.compounds, parameters.control]) images[name] = sets.get(name)?.rows ?? 0;
  return { cellLine: line.cellLine, images, metrics: result.cellLines[0].metrics };
}

export function aggregateSimilarity(parameters: SimilarityParameters, lines: readonly SimilarityCellLineResult[]): SimilarityAggregateResult {
  const aggregate = {} as SimilarityAggregateResult['aggregate'];
  for (const metric of DISTANCE_METRICS as readonly DistanceMetric[]) {
    aggregate[metric] = {
      inverseDistance: medianMad(lines.map((line) => line.metrics[metric].inverseDistance)),
      relativeDistance: medianMad(lines.map((line) => line.metrics[metric].relativeDistance)),
    };
  }
  return { compounds: parameters.compounds, control: parameters.control, moa: parameters.moa, cellLines: lines.map((line) => line.cellLine), aggregate };
}

// ---- classification ----------------------------------------------------------------------

/**
 * Drug (1) vs control (0, every control compound) on frozen embeddings. Whole plates are
 * held out, the same plates for both classes: the classifier never sees the test plates'
 * batch effect. The held-out plates are a seeded draw of about testFraction of the cell
 * line's plates (at least one, leaving at least one to train on).
 */
export function classificationOfLine(line: LineData, parameters: ClassificationParameters): ClassificationCellLineResult {
  const { cellLine, images } = line;
  const plates = [...new Set(images.map((image) => image.plate))].sort();
  if (plates.length < 2) return { cellLine, status: 'undefined', reason: `cell line ${cellLine} is on ${plates.length} plate${plates.length === 1 ? '' : 's'}: no plate to hold out` };
  const shuffled = [...plates];
  SeededRandom.derive('held-out-plates', parameters.seed, cellLine).shuffle(shuffled);
  const heldOutCount = Math.min(plates.length - 1, Math.max(1, Math.round(parameters.testFraction * plates.length)));
  const heldOut = new Set(shuffled.slice(0, heldOutCount));
  const train: number[] = [];
  const test: number[] = [];
  images.forEach((image, i) => (heldOut.has(image.plate) ? test : train).push(i));
  const labels = images.map((image) => (image.isControl ? 0 : 1));
  const outcome = evaluateDrugClassification(
    { cellLine, embeddings: line.vectors, labels },
    { split: { train, test }, pcaComponents: parameters.pcaComponents, c: parameters.c, seed: parameters.seed, classWeight: 'balanced' },
  );
  if (outcome.status !== 'ok') return { cellLine, status: 'undefined', reason: outcome.reason };
  const probabilityOf = new Map<number, number>();
  outcome.testIndices.forEach((index, k) => probabilityOf.set(index, outcome.probabilities[k]));
  return {
    cellLine,
    status: 'ok',
    trainPlates: plates.filter((plate) => !heldOut.has(plate)),
    heldOutPlates: plates.filter((plate) => heldOut.has(plate)),
    train: outcome.train,
    test: outcome.test,
    pcaComponents: outcome.pcaComponents,
    iterations: outcome.iterations,
    converged: outcome.converged,
    report: outcome.report,
    activityScores: activityScores(images, probabilityOf),
    topDose: topDose(images, probabilityOf, parameters.control),
  };
}

function activityScores(images: readonly LineImage[], probabilityOf: ReadonlyMap<number, number>): ActivityScore[] {
  const byCompound = new Map<string, { isControl: boolean; byDose: Map<number, number[]> }>();
  images.forEach((image, i) => {
    const entry = byCompound.get(image.compound) ?? { isControl: image.isControl, byDose: new Map<number, number[]>() };
    byCompound.set(image.compound, entry);
    const scores = entry.byDose.get(image.concentration) ?? [];
    entry.byDose.set(image.concentration, scores);
    const p = probabilityOf.get(i);
    if (p !== undefined) scores.push(p);
  });
  const score = (values: number[], what: string): Measured => (values.length === 0 ? undefinedBecause(`no held-out image of ${what}`) : measured(mean(values) as number));
  return [...byCompound]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([compound, { isControl, byDose }]) => {
      const all = [...byDose.values()].flat();
      return {
        compound,
        isControl,
        images: all.length,
        score: score(all, compound),
        byConcentration: [...byDose]
          .sort(([a], [b]) => a - b)
          .map(([concentration, values]) => ({ concentration, images: values.length, score: score(values, `${compound} at ${concentration}`) })),
      };
    });
}

function topDose(images: readonly LineImage[], probabilityOf: ReadonlyMap<number, number>, control: string): Extract<ClassificationCellLineResult, { status: 'ok' }>['topDose'] {
  const top = new Map<string, number>();
  for (const image of images) if (!image.isControl) top.set(image.compound, Math.max(top.get(image.compound) ?? -Infinity, image.concentration));
  const controlScores: number[] = [];
  const drugScores = new Map<string, number[]>();
  images.forEach((image, i) => {
    const p = probabilityOf.get(i);
    if (p === undefined) return;
    if (image.compound === control) controlScores.push(p);
    else if (!image.isControl && image.concentration === top.get(image.compound)) drugScores.set(image.compound, [...(drugScores.get(image.compound) ?? []), p]);
  });
  const auc = (drug: number[], what: string): Measured => {
    if (controlScores.length === 0) return undefinedBecause(`no held-out image of the control ${control}`);
    if (drug.length === 0) return undefinedBecause(`no held-out image of ${what} at its top dose`);
    return rocAuc([...drug.map(() => 1), ...controlScores.map(() => 0)], [...drug, ...controlScores]);
  };
  const compounds: TopDoseRocAuc[] = [...top]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([compound, concentration]) => {
      const scores = drugScores.get(compound) ?? [];
      return { compound, concentration, images: scores.length, rocAuc: auc(scores, compound) };
    });
  const all = [...drugScores.values()].flat();
  return { control, rocAuc: top.size === 0 ? undefinedBecause('no drug-treated images') : auc(all, 'any drug'), compounds };
}

const CLASSIFICATION_METRICS: readonly ClassificationMetricName[] = ['accuracy', 'precision', 'recall', 'specificity', 'f1', 'rocAuc', 'topDoseRocAuc'];

export function aggregateClassification(lines: readonly ClassificationCellLineResult[]): ClassificationAggregateResult {
  const metrics = {} as ClassificationAggregateResult['metrics'];
  for (const name of CLASSIFICATION_METRICS) {
    metrics[name] = medianMad(
      lines.map((line) => {
        if (line.status !== 'ok') return undefinedBecause(line.reason);
        return name === 'topDoseRocAuc' ? line.topDose.rocAuc : line.report[name];
      }),
    );
  }
  return { cellLines: lines.map((line) => line.cellLine), metrics };
}

// ---- clustering ----------------------------------------------------------------------

export function clusteringOfLine(line: LineData, parameters: ClusteringParameters): ClusteringCellLineResult {
  const compounds = line.images.map((image) => image.compound);
  const outcome = evaluateClustering(
    { cellLine: line.cellLine, embeddings: line.vectors, compounds },
    { minClusterSizes: parameters.minClusterSizes, minSamples: parameters.minSamples, pcaComponents: parameters.pcaComponents, seed: parameters.seed },
  );
  if (outcome.status !== 'ok') return outcome;
  return {
    cellLine: line.cellLine,
    status: 'ok',
    points: outcome.points,
    pcaComponents: outcome.pcaComponents,
    imageIds: line.images.map((image) => image.id),
    compounds,
    concentrations: line.images.map((image) => image.concentration),
    coordinates: outcome.coordinates,
    sweep: outcome.sweep,
  };
}

export function aggregateClustering(lines: readonly ClusteringCellLineResult[], minClusterSizes: readonly number[]): ClusteringAggregateResult {
  const pointsAt = (m: number) =>
    lines.map((line) => (line.status === 'ok' ? line.sweep.find((point) => point.minClusterSize === m) : undefined) ?? { missing: line.status === 'ok' ? `min_cluster_size ${m} not computed` : line.reason });
  return {
    cellLines: lines.map((line) => line.cellLine),
    sweep: minClusterSizes.map((m) => {
      const points = pointsAt(m);
      const pick = (value: (p: Extract<ClusteringCellLineResult, { status: 'ok' }>['sweep'][number]) => Measured) =>
        medianMad(points.map((p) => ('missing' in p ? undefinedBecause(p.missing) : value(p))));
      return {
        minClusterSize: m,
        clusterCount: pick((p) => measured(p.clusterCount)),
        noiseShare: pick((p) => measured(p.noiseShare)),
        silhouette: pick((p) => p.quality.silhouette),
        calinskiHarabasz: pick((p) => p.quality.calinskiHarabasz),
        daviesBouldin: pick((p) => p.quality.daviesBouldin),
        consistency: pick((p) => p.consistency),
      };
    }),
  };
}

// ---- mAP ----------------------------------------------------------------------

/**
 * Activity: well profiles (elementwise median of a well's image embeddings); a replicate
 * group is compound + concentration; negatives are the control's wells of the same cell
 * line (other controls take no part). Consistency: one profile per non-control compound
 * with a MoA, the median of its top-dose wells' profiles; positives share the MoA.
 */
export function mapOfLine(line: LineData, parameters: MapParameters): MapCellLineResult {
  const wells = new Map<string, { image: LineImage; rows: number[] }>();
  line.images.forEach((image, i) => {
    const key = `${image.plate}\u0000${image.well}`;
    const entry = wells.get(key) ?? { image, rows: [] };
    entry.rows.push(i);
    wells.set(key, entry);
  });
  const wellProfiles = [...wells.values()].map(({ image, rows }) => ({
    image,
    vector: elementwiseMedian(rows.map((r) => line.vectors.data.subarray(r * line.vectors.dim, (r + 1) * line.vectors.dim))),
  }));
  const options = { nullSize: parameters.nullSize, threshold: parameters.threshold, seed: `${parameters.seed}:${line.cellLine}` };
  let vectors: Float32Array[];
  let profiles: MapProfile[];
  if (parameters.kind === 'activity') {
    const kept = wellProfiles.filter(({ image }) => !image.isControl || image.compound === parameters.control);
    vectors = kept.map((p) => p.vector);
    profiles = kept.map(({ image }) => ({ compound: image.isControl ? image.compound : `${image.compound}@${image.concentration}`, isControl: image.isControl, moa: image.moa }));
  } else {
    const top = new Map<string, number>();
    for (const { image } of wellProfiles) if (!image.isControl && image.moa) top.set(image.compound, Math.max(top.get(image.compound) ?? -Infinity, image.concentration));
    const names = [...top.keys()].sort();
    vectors = names.map((name) => elementwiseMedian(wellProfiles.filter(({ image }) => image.compound === name && image.concentration === top.get(name)).map((p) => p.vector)));
    profiles = names.map((name) => ({ compound: name, isControl: false, moa: wellProfiles.find(({ image }) => image.compound === name)!.image.moa }));
  }
  const dim = line.vectors.dim;
  const data = new Float32Array(vectors.length * dim);
  vectors.forEach((v, i) => data.set(v, i * dim));
  const matrix = { rows: vectors.length, dim, data };
  const result = parameters.kind === 'activity' ? activityMap(matrix, profiles, options) : consistencyMap(matrix, profiles, options);
  const defined = result.groups.filter((g) => g.meanAveragePrecision.value !== null).map((g) => g.meanAveragePrecision.value as number);
  const meanAveragePrecision =
    defined.length > 0
      ? measured(mean(defined) as number)
      : undefinedBecause(
          result.groups.length > 0
            ? `cell line ${line.cellLine}: ${[...new Set(result.groups.map((g) => g.meanAveragePrecision.reason))].join('; ')}`
            : parameters.kind === 'activity'
              ? `cell line ${line.cellLine} has no drug-treated wells to retrieve against ${parameters.control}`
              : `cell line ${line.cellLine} has no drug-treated compound with a MoA`,
        );
  return { ...result, cellLine: line.cellLine, profiles: vectors.length, meanAveragePrecision };
}

export function aggregateMap(kind: MapParameters['kind'], lines: readonly MapCellLineResult[]): MapAggregateResult {
  const tested = lines.flatMap((line) => line.groups.filter((g) => g.meanAveragePrecision.value !== null).map((g) => ({ line: line.cellLine, group: g })));
  const byGroup = new Map<string, typeof tested>();
  for (const entry of tested) byGroup.set(entry.group.group, [...(byGroup.get(entry.group.group) ?? []), entry]);
  const reason = 'no cell line has a group with a defined mAP';
  return {
    kind,
    meanAveragePrecision: tested.length ? measured(mean(tested.map((t) => t.group.meanAveragePrecision.value as number)) as number) : undefinedBecause(reason),
    fractionSignificant: tested.length ? measured(tested.filter((t) => t.group.significant).length / tested.length) : undefinedBecause(reason),
    tested: tested.length,
    cellLines: lines.map((line) => ({ cellLine: line.cellLine, meanAveragePrecision: line.meanAveragePrecision, fractionSignificant: line.fractionSignificant })),
    byGroup: [...byGroup]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([group, entries]) => ({
        group,
        cellLines: entries.length,
        meanAveragePrecision: measured(mean(entries.map((e) => e.group.meanAveragePrecision.value as number)) as number),
        significantIn: entries.filter((e) => e.group.significant).length,
      })),
  };
}

// ---- shared ----------------------------------------------------------------------

/** Median and MAD over the defined values; the reasons when none is. */
export function medianMad(values: readonly Measured[]): MedianMad {
  const defined = values.filter((v) => v.value !== null).map((v) => v.value as number);
  if (defined.length === 0) {
    const reason = values.length === 0 ? 'no cell lines' : `undefined in all ${values.length} cell lines: ${[...new Set(values.map((v) => v.reason))].join('; ')}`;
    return { median: undefinedBecause(reason), mad: undefinedBecause(reason), cellLines: 0 };
  }
  return { median: measured(median(defined) as number), mad: measured(medianAbsoluteDeviation(defined) as number), cellLines: defined.length };
}

/**
 * A deep copy fit for JSON: every non-finite number becomes null. The evaluators already
 * return Measured values instead of NaN; this is the last guard before Postgres and GraphQL.
 */
export function jsonSafe<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))) as T;
}

// ---- one cell line, every task ----------------------------------------------------------

/** What to compute for each cell line of a run. */
export interface LinePlan {
  similarity: SimilarityParameters[];
  classification?: ClassificationParameters;
  clustering?: ClusteringParameters;
  maps: MapParameters[];
}

export interface LineResults {
  similarity: SimilarityCellLineResult[];
  classification?: ClassificationCellLineResult;
  clustering?: ClusteringCellLineResult;
  maps: MapCellLineResult[];
  /** CPU seconds per stage on this cell line */
  seconds: { similarity: number; classification: number; clustering: number; map: number };
}

export function evaluateLineTasks(line: LineData, plan: LinePlan): LineResults {
  const seconds = { similarity: 0, classification: 0, clustering: 0, map: 0 };
  const clock = <T>(stage: keyof typeof seconds, work: () => T): T => {
    const start = performance.now();
    try {
      return work();
    } finally {
      seconds[stage] += (performance.now() - start) / 1000;
    }
  };
  const similarity = clock('similarity', () => {
    if (plan.similarity.length === 0) return [];
    const sets = byCompound(line);
    return plan.similarity.map((group) => similarityOfLine(line, group, sets));
  });
  const classification = plan.classification && clock('classification', () => classificationOfLine(line, plan.classification!));
  const clustering = plan.clustering && clock('clustering', () => clusteringOfLine(line, plan.clustering!));
  const maps = clock('map', () => plan.maps.map((parameters) => mapOfLine(line, parameters)));
  return jsonSafe({ similarity, classification, clustering, maps, seconds });
}
