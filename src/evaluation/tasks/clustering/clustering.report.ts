import { medianMadFigure, type ReportColumn, type TaskReport, type TaskFigures } from '../task-report';
import type { ClusteringAggregatePoint, ClusteringAggregateResult, ClusteringParameters } from './clustering.result';

const columns: ReadonlyArray<ReportColumn<'clustering'>> = [
  { key: 'clustering.silhouette', task: 'clustering', label: 'silhouette', better: 'higher' },
  { key: 'clustering.daviesBouldin', task: 'clustering', label: 'Davies-Bouldin', better: 'lower' },
  { key: 'clustering.consistency', task: 'clustering', label: 'drug consistency', better: 'higher' },
];

/** A run is compared at its own best sweep point: the highest median silhouette (the first point when none is defined). */
export const clusteringReport = {
  title: 'Clustering within cell lines',
  columns,
  figures(stored): TaskFigures {
    const newest = stored[0];
    if (!newest) return { values: {}, cellLines: 0 };
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
} satisfies TaskReport<ClusteringParameters, ClusteringAggregateResult>;
