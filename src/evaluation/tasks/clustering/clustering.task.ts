import { matrixFromRows } from '../../../numeric/matrix';
import { DEFAULT_MIN_CLUSTER_SIZES, evaluateClustering, sweepPoints, umapFitRows } from '../../clustering.evaluator';
import { measured, undefinedBecause, type Measured } from '../../undefined-value';
import type { EvaluationTask, LineData, SharedParameters } from '../evaluation-task';
import { evaluateNormalized, lineNormalization } from '../line-normalization';
import { clusteringSampling, samplingPolicy } from '../sampling.parameters';
import { medianMad } from '../median-mad';
import { checkNumber } from '../parameter-checks';
import { BadUserInputError } from '../../../errors/app-errors';
import { clusteringReport } from './clustering.report';
import type { ClusteringAggregateResult, ClusteringCellLineResult, ClusteringInput, ClusteringParameters, ClusteringSweepEntry } from './clustering.result';

const CLUSTERING_DEFAULTS: ClusteringInput = { minClusterSizes: [...DEFAULT_MIN_CLUSTER_SIZES], minSamples: 1 };

/** Task 3: PCA, seeded 2-D UMAP and an HDBSCAN sweep within each cell line. */
export const clusteringTask = {
  name: 'clustering' as const,
  defaults: CLUSTERING_DEFAULTS,
  validate(input) {
    checkMinClusterSizes(input.minClusterSizes);
    checkNumber('minSamples', input.minSamples, Number.isInteger(input.minSamples) && input.minSamples >= 1 && input.minSamples <= 1000, 'an integer from 1 to 1000');
    return { minClusterSizes: [...new Set(input.minClusterSizes)].sort((a, b) => a - b), minSamples: input.minSamples };
  },
  parameterSets: (p) => [clusteringParameters(p)],
  evaluateLine: (line, sets) => evaluateNormalized(line, sets, (normalized, group) => group.map((set) => clusteringOfLine(normalized, set))),
  aggregate: (parameters, lines) => aggregateClustering(lines, parameters.minClusterSizes),
  report: clusteringReport,
  resolver: () => import('./clustering.resolver.js').then((module) => module.ClusteringResolver),
} satisfies EvaluationTask<'clustering', ClusteringInput, ClusteringParameters, ClusteringCellLineResult, ClusteringAggregateResult>;

export function clusteringParameters(p: ClusteringInput & SharedParameters): ClusteringParameters {
  return { minClusterSizes: p.minClusterSizes, minSamples: p.minSamples, pcaComponents: p.pcaComponents, seed: p.seed, sampling: clusteringSampling(samplingPolicy(p)), normalization: lineNormalization(p) };
}

function checkMinClusterSizes(sizes: unknown): void {
  const ok = (m: unknown) => Number.isInteger(m) && (m as number) >= 2 && (m as number) <= 100000;
  if (!Array.isArray(sizes) || sizes.length === 0 || sizes.length > 20 || !sizes.every(ok)) {
    throw new BadUserInputError('minClusterSizes must be 1 to 20 integers from 2 to 100000', 'minClusterSizes');
  }
}

export function clusteringOfLine(line: LineData, parameters: ClusteringParameters): ClusteringCellLineResult {
  const compounds = line.images.map((image) => image.compound);
  const outcome = evaluateClustering(
    { cellLine: line.cellLine, embeddings: line.vectors, compounds },
    { minClusterSizes: parameters.minClusterSizes, minSamples: parameters.minSamples, pcaComponents: parameters.pcaComponents, seed: parameters.seed, sampling: parameters.sampling },
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

/**
 * The stored result with one more sweep point, clustered on its stored 2-D coordinates (the
 * same UMAP embedding); undefined when the point is there already or the line has no clustering.
 */
export function withMinClusterSize(result: ClusteringCellLineResult, minClusterSize: number, parameters: ClusteringParameters): ClusteringCellLineResult | undefined {
  if (result.status !== 'ok' || result.sweep.some((point) => point.minClusterSize === minClusterSize)) return undefined;
  // result sets stored before sampling existed have no sampling in their parameters: every image was used
  const scored = umapFitRows(result.points, parameters.sampling, result.cellLine);
  const [point] = sweepPoints(matrixFromRows(result.coordinates, 2), [minClusterSize], parameters.minSamples, result.compounds, scored);
  return { ...result, sweep: [...result.sweep, { ...point, onDemand: true }].sort((a, b) => a.minClusterSize - b.minClusterSize) };
}

export function aggregateClustering(lines: readonly ClusteringCellLineResult[], minClusterSizes: readonly number[]): ClusteringAggregateResult {
  const pointsAt = (m: number) =>
    lines.map((line) => (line.status === 'ok' ? line.sweep.find((point) => point.minClusterSize === m) : undefined) ?? { missing: line.status === 'ok' ? `min_cluster_size ${m} not computed` : line.reason });
  return {
    cellLines: lines.map((line) => line.cellLine),
    sweep: minClusterSizes.map((m) => {
      const points = pointsAt(m);
      const pick = (value: (p: ClusteringSweepEntry) => Measured) => medianMad(points.map((p) => ('missing' in p ? undefinedBecause(p.missing) : value(p))));
      return {
        minClusterSize: m,
        clusterCount: pick((p) => measured(p.clusterCount)),
        noiseShare: pick((p) => measured(p.noiseShare)),
        silhouette: pick((p) => p.quality.silhouette),
        calinskiHarabasz: pick((p) => p.quality.calinskiHarabasz),
        daviesBouldin: pick((p) => p.quality.daviesBouldin),
        consistency: pick((p) => p.consistency),
        ami: pick((p) => p.ami ?? undefinedBecause('not measured when this point was stored')),
      };
    }),
  };
}
