import { DISTANCE_METRICS } from '../../../numeric/distance.metrics';
import { selectRows, type VectorMatrix } from '../../../numeric/matrix';
import { evaluateCompoundGroup } from '../../drug-similarity.evaluator';
import type { EvaluationTask, LineData } from '../evaluation-task';
import { medianMad } from '../median-mad';
import { SIMILARITY_DEFAULTS, similarityGroups, validateSimilarity } from './similarity.parameters';
import { similarityReport } from './similarity.report';
import type { SimilarityAggregateResult, SimilarityCellLineResult, SimilarityInput, SimilarityParameters } from './similarity.result';

/** Task 1: do drugs of one mechanism sit closer to each other than to the control? */
export const similarityTask = {
  name: 'similarity' as const,
  defaults: SIMILARITY_DEFAULTS,
  validate: validateSimilarity,
  parameterSets: similarityGroups,
  evaluateLine(line, sets) {
    if (sets.length === 0) return [];
    // the pair and every MoA group read the same per-compound matrices
    const matrices = byCompound(line);
    return sets.map((set) => similarityOfLine(line, set, matrices));
  },
  aggregate: aggregateSimilarity,
  report: similarityReport,
  resolver: () => import('./similarity.resolver.js').then((module) => module.SimilarityResolver),
} satisfies EvaluationTask<'similarity', SimilarityInput, SimilarityParameters, SimilarityCellLineResult, SimilarityAggregateResult>;

export function byCompound(line: LineData): Map<string, VectorMatrix> {
  const indices = new Map<string, number[]>();
  line.images.forEach((image, i) => indices.set(image.compound, [...(indices.get(image.compound) ?? []), i]));
  return new Map([...indices].map(([name, rows]) => [name, selectRows(line.vectors, rows)]));
}

export function similarityOfLine(line: LineData, parameters: SimilarityParameters, matrices = byCompound(line)): SimilarityCellLineResult {
  const result = evaluateCompoundGroup([{ cellLine: line.cellLine, byCompound: matrices }], parameters.compounds, { control: parameters.control });
  const images: Record<string, number> = {};
  for (const name of [...parameters.compounds, parameters.control]) images[name] = matrices.get(name)?.rows ?? 0;
  return { cellLine: line.cellLine, images, metrics: result.cellLines[0].metrics };
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
