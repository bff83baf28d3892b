import type { ComparedEvaluation, ComparedRun } from '../db/repositories/comparison.repository';
import type { ClassificationAggregateResult } from '../evaluation/tasks/classification/classification.result';
import { clusteringReport } from '../evaluation/tasks/clustering/clustering.report';
import type { ClusteringAggregateResult, ClusteringParameters } from '../evaluation/tasks/clustering/clustering.result';
import type { MapAggregateResult, MapKind, MapParameters } from '../evaluation/tasks/map/map.result';
import { similarityReport } from '../evaluation/tasks/similarity/similarity.report';
import type { SimilarityAggregateResult, SimilarityParameters } from '../evaluation/tasks/similarity/similarity.result';
import { median } from '../numeric/statistics';

/**
 * The headline figures of one run, each the median over cell lines (null when undefined):
 * whether its representation recovers the planted biology.
 */
export interface ScienceFigures {
  setup: string;
  /** a baseline row (untrained encoder, hand-crafted features), not one of the learned setups */
  baseline: boolean;
  /** drug vs control ROC-AUC at each drug's top dose, held-out plates */
  topDoseRocAuc: number | null;
  /** mAP of compounds sharing a mechanism of action, per cell line */
  moaConsistencyMap: number | null;
  /** mAP of a compound's replicate wells against the control's, per cell line */
  activityMap: number | null;
  /** relative cosine distance d of Methotrexate-Pemetrexed against DMSO */
  dCosine: number | null;
  /** drug consistency within clusters, at the run's best clustering sweep point */
  clusteringConsistency: number | null;
}

export const HEADLINE_METRICS = ['topDoseRocAuc', 'moaConsistencyMap', 'activityMap', 'dCosine', 'clusteringConsistency'] as const;

/** One row per run, in the runs' order, from the stored rows over all cell lines (newest first). */
export function scienceFigures(runs: readonly ComparedRun[], evaluations: readonly ComparedEvaluation[]): ScienceFigures[] {
  return runs.map((run) => {
    const rows = evaluations.filter((row) => row.runId === run.id);
    const ofTask = <Parameters, Aggregate>(task: string) =>
      rows.filter((row) => row.task === task).map((row) => ({ parameters: row.parameters as Parameters, aggregate: row.result as Aggregate }));
    const classification = ofTask<unknown, ClassificationAggregateResult>('classification')[0];
    const maps = ofTask<MapParameters, MapAggregateResult>('map');
    const similarity = similarityReport.figures(ofTask<SimilarityParameters, SimilarityAggregateResult>('similarity'));
    const clustering = clusteringReport.figures(ofTask<ClusteringParameters, ClusteringAggregateResult>('clustering'));
    return {
      setup: run.setup,
      baseline: run.paradigm === 'baseline',
      topDoseRocAuc: classification?.aggregate.metrics.topDoseRocAuc.median.value ?? null,
      moaConsistencyMap: medianMapOverCellLines(maps, 'consistency'),
      activityMap: medianMapOverCellLines(maps, 'activity'),
      dCosine: similarity.values['similarity.cosine.d']?.value ?? null,
      clusteringConsistency: clustering.values['clustering.consistency']?.value ?? null,
    };
  });
}

function medianMapOverCellLines(maps: ReadonlyArray<{ parameters: MapParameters; aggregate: MapAggregateResult }>, kind: MapKind): number | null {
  const newest = maps.find(({ parameters }) => parameters.kind === kind);
  if (!newest) return null;
  const perLine = newest.aggregate.cellLines.map((line) => line.meanAveragePrecision.value).filter((value): value is number => value !== null);
  return median(perLine);
}
