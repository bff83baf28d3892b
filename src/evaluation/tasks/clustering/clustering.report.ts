import { fieldByCellLine, medianMadFigure, NO_FIGURES, taskReport } from '../task-report';
import type { ClusteringAggregatePoint, ClusteringAggregateResult, ClusteringParameters } from './clustering.result';

/** A run is compared at its own best sweep point: the highest median silhouette (the first point when none is defined). */
export const clusteringReport = taskReport<'clustering', ClusteringParameters, ClusteringAggregateResult>({
  task: 'clustering',
  title: 'Clustering within cell lines',
  columns: [
    ['silhouette', 'silhouette', 'higher'],
    ['daviesBouldin', 'Davies-Bouldin', 'lower'],
    ['consistency', 'drug consistency', 'higher'],
  ],
  headline: 'consistency',
  // one entry per sweep point, in the sweep's order (the aggregate's points are in the same order)
  cellLineFields: {
    minClusterSize: '$.sweep[*].minClusterSize',
    silhouette: '$.sweep[*].quality.silhouette.value',
    daviesBouldin: '$.sweep[*].quality.daviesBouldin.value',
    consistency: '$.sweep[*].consistency.value',
  },
  figures: ([newest]) => {
    if (!newest) return NO_FIGURES;
    const { sweep, cellLines } = newest.aggregate;
    let chosen: ClusteringAggregatePoint | undefined;
    for (const point of sweep) {
      const silhouette = point.silhouette.median.value;
      if (silhouette !== null && (chosen === undefined || silhouette > (chosen.silhouette.median.value ?? -Infinity))) chosen = point;
    }
    chosen ??= sweep[0];
    if (!chosen) return { values: {}, cellLines: cellLines.length };
    const size = chosen.minClusterSize;
    const atChosen = newest.lines.map((line) => {
      const index = line.fields.minClusterSize?.indexOf(size) ?? -1;
      return { line, index };
    });
    const byCellLine = (field: string) => Object.assign({}, ...atChosen.filter(({ index }) => index >= 0).map(({ line, index }) => fieldByCellLine([line], field, index))) as Record<string, number>;
    return {
      values: {
        'clustering.silhouette': medianMadFigure(chosen.silhouette, byCellLine('silhouette')),
        'clustering.daviesBouldin': medianMadFigure(chosen.daviesBouldin, byCellLine('daviesBouldin')),
        'clustering.consistency': medianMadFigure(chosen.consistency, byCellLine('consistency')),
      },
      cellLines: cellLines.length,
    };
  },
});
