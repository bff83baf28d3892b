import { medianMadFigure, NO_FIGURES, taskReport } from '../task-report';
import type { ClusteringAggregatePoint, ClusteringAggregateResult, ClusteringParameters } from './clustering.result';

/** A run is compared at its own best sweep point: the highest median silhouette (the first point when none is defined). */
export const clusteringReport = taskReport<'clustering', ClusteringParameters, ClusteringAggregateResult>(
  'clustering',
  'Clustering within cell lines',
  [
    ['silhouette', 'silhouette', 'higher'],
    ['daviesBouldin', 'Davies-Bouldin', 'lower'],
    ['consistency', 'drug consistency', 'higher'],
  ],
  ([newest]) => {
    if (!newest) return NO_FIGURES;
    const { sweep, cellLines } = newest.aggregate;
    let chosen: ClusteringAggregatePoint | undefined;
    for (const point of sweep) {
      const silhouette = point.silhouette.median.value;
      if (silhouette !== null && (chosen === undefined || silhouette > (chosen.silhouette.median.value ?? -Infinity))) chosen = point;
    }
    chosen ??= sweep[0];
    if (!chosen) return { values: {}, cellLines: cellLines.length };
    return {
      values: {
        'clustering.silhouette': medianMadFigure(chosen.silhouette),
        'clustering.daviesBouldin': medianMadFigure(chosen.daviesBouldin),
        'clustering.consistency': medianMadFigure(chosen.consistency),
      },
      cellLines: cellLines.length,
    };
  },
);
