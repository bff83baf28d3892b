import { DISTANCE_METRICS } from '../../../numeric/distance.metrics';
import { selectRows, type VectorMatrix } from '../../../numeric/matrix';
import { mediansOf, medianPairDistances, sampledPairDistances } from '../../../numeric/pairwise-distance.kernel';
import { SeededRandom } from '../../../util/seeded-random';
import { similarityOfCompounds, type CompoundPairs } from '../../drug-similarity.evaluator';
import type { EvaluationTask, LineData } from '../evaluation-task';
import { evaluateNormalized } from '../line-normalization';
import { medianMad } from '../median-mad';
import type { SimilaritySampling } from '../sampling.parameters';
import { SIMILARITY_DEFAULTS, similarityGroups, validateSimilarity } from './similarity.parameters';
import { similarityReport } from './similarity.report';
import type { SimilarityAggregateResult, SimilarityCellLineResult, SimilarityInput, SimilarityParameters } from './similarity.result';

/** Task 1: do drugs of one mechanism sit closer to each other than to the control? */
export const similarityTask = {
  name: 'similarity' as const,
  defaults: SIMILARITY_DEFAULTS,
  validate: validateSimilarity,
  parameterSets: similarityGroups,
  evaluateLine: (line, sets) =>
    evaluateNormalized(line, sets, (normalized, group) => {
      // the pair and every MoA group read the same per-compound rows, and share the medians of the compound pairs they have in common
      const rowsOf = byCompound(normalized);
      const medians = new Map<string, ReturnType<CompoundPairs['medians']>>();
      return group.map((set) => similarityOfLine(normalized, set, rowsOf, medians));
    }),
  aggregate: aggregateSimilarity,
  report: similarityReport,
  resolver: () => import('./similarity.resolver.js').then((module) => module.SimilarityResolver),
} satisfies EvaluationTask<'similarity', SimilarityInput, SimilarityParameters, SimilarityCellLineResult, SimilarityAggregateResult>;

/** The row indices of each compound's images. */
export function byCompound(line: LineData): Map<string, number[]> {
  const indices = new Map<string, number[]>();
  line.images.forEach((image, i) => {
    const rows = indices.get(image.compound);
    if (rows) rows.push(i);
    else indices.set(image.compound, [i]);
  });
  return indices;
}

/**
 * Two compounds' medians over every image pair while they have no more pairs than the
 * sample size (or the sampling is exact), else over that many pairs drawn with replacement,
 * seeded by the sampling seed, the cell line and the pair: the same pair gets the same draw
 * in every group it belongs to. Only compounds compared in full are copied out of the line.
 */
export function compoundPairs(line: LineData, rowsOf: ReadonlyMap<string, number[]>, sampling: SimilaritySampling, cache = new Map<string, ReturnType<CompoundPairs['medians']>>()): CompoundPairs {
  const copies = new Map<string, VectorMatrix>();
  const matrix = (name: string): VectorMatrix => copies.get(name) ?? copies.set(name, selectRows(line.vectors, rowsOf.get(name) ?? [])).get(name)!;
  const compute = (a: string, b: string, metrics: Parameters<CompoundPairs['medians']>[2]): ReturnType<CompoundPairs['medians']> => {
    const aRows = rowsOf.get(a) ?? [];
    const bRows = rowsOf.get(b) ?? [];
    if (sampling.exact || aRows.length * bRows.length <= sampling.pairsPerCompoundPair) return medianPairDistances(matrix(a), matrix(b), metrics);
    const random = SeededRandom.derive('similarity-pairs', sampling.seed, line.cellLine, a, b);
    return mediansOf(sampledPairDistances(line.vectors, aRows, bRows, sampling.pairsPerCompoundPair, random, metrics), metrics);
  };
  return {
    cellLine: line.cellLine,
    images: (name) => rowsOf.get(name)?.length ?? 0,
    medians(a, b, metrics) {
      const key = JSON.stringify([a, b, sampling, metrics]);
      const known = cache.get(key) ?? compute(a, b, metrics);
      cache.set(key, known);
      return known;
    },
  };
}

export function similarityOfLine(line: LineData, parameters: SimilarityParameters, rowsOf = byCompound(line), medians?: Map<string, ReturnType<CompoundPairs['medians']>>): SimilarityCellLineResult {
  const pairs = compoundPairs(line, rowsOf, parameters.sampling, medians);
  const metrics = similarityOfCompounds(pairs, [...new Set(parameters.compounds)], parameters.control);
  const images: Record<string, number> = {};
  for (const name of [...parameters.compounds, parameters.control]) images[name] = pairs.images(name);
  return { cellLine: line.cellLine, images, metrics: metrics.metrics };
}

export function aggregateSimilarity(parameters: SimilarityParameters, lines: readonly SimilarityCellLineResult[]): SimilarityAggregateResult {
  const aggregate = {} as SimilarityAggregateResult['aggregate'];
  for (const metric of DISTANCE_METRICS) {
    aggregate[metric] = {
      inverseDistance: medianMad(lines.map((line) => line.metrics[metric].inverseDistance)),
      relativeDistance: medianMad(lines.map((line) => line.metrics[metric].relativeDistance)),
    };
  }
  return { compounds: parameters.compounds, control: parameters.control, moa: parameters.moa, cellLines: lines.map((line) => line.cellLine), aggregate };
}
