import { fieldByCellLine, medianMadFigure, NO_FIGURES, taskReport } from '../task-report';
import type { ClusteringAggregatePoint, ClusteringAggregateResult, ClusteringParameters } from './clustering.result';

/**
 * A run's silhouette, Davies-Bouldin and consistency are compared at its own best sweep point by
 * the highest median silhouette (the first point when none is defined), a choice blind to the
 * compounds. The headline is AMI, at the sweep point where its median over cell lines is highest:
 * every run gets the same few granularities to choose from, and chance agreement scores 0 at
 * each. Consistency stays a column but is no headline: one cluster holding every image scores it
 * 1, and the silhouette often picks such a coarse point, so it flipped between about 0.13 and
 * 0.6-0.8 for the same setup from one seed to the next.
 */
export const clusteringReport = taskReport<'clustering', ClusteringParameters, ClusteringAggregateResult>({
  task: 'clustering',
  title: 'Clustering within cell lines',
  columns: [
    ['silhouette', 'silhouette', 'higher'],
    ['daviesBouldin', 'Davies-Bouldin', 'lower'],
    ['consistency', 'drug consistency', 'higher'],
    ['ami', 'AMI with compounds', 'higher'],
  ],
  headline: 'ami',
  // one entry per sweep point, in the sweep's order (the aggregate's points are in the same order)
  cellLineFields: {
    minClusterSize: '$.sweep[*].minClusterSize',
    silhouette: '$.sweep[*].quality.silhouette.value',
    daviesBouldin: '$.sweep[*].quality.daviesBouldin.value',
    consistency: '$.sweep[*].consistency.value',
    ami: '$.sweep[*].ami.value',
  },
  figures: ([newest]) => {
    if (!newest) return NO_FIGURES;
    const { sweep, cellLines } = newest.aggregate;
    const chosen = highest(sweep, (point) => point.silhouette.median.value) ?? sweep[0];
    if (!chosen) return { values: {}, cellLines: cellLines.length };
    const bestAmi = highest(sweep, (point) => point.ami?.median.value ?? null) ?? chosen;
    const byCellLine = (field: string, size: number) => {
      const atSize = newest.lines.map((line) => ({ line, index: line.fields.minClusterSize?.indexOf(size) ?? -1 })).filter(({ index }) => index >= 0);
      return Object.assign({}, ...atSize.map(({ line, index }) => fieldByCellLine([line], field, index))) as Record<string, number>;
    };
    const size = chosen.minClusterSize;
    return {
      values: {
        'clustering.silhouette': medianMadFigure(chosen.silhouette, byCellLine('silhouette', size)),
        'clustering.daviesBouldin': medianMadFigure(chosen.daviesBouldin, byCellLine('daviesBouldin', size)),
        'clustering.consistency': medianMadFigure(chosen.consistency, byCellLine('consistency', size)),
        'clustering.ami': medianMadFigure(bestAmi.ami, byCellLine('ami', bestAmi.minClusterSize)),
      },
      cellLines: cellLines.length,
    };
  },
});

/** The first sweep point with the highest defined value; undefined when none is defined. */
function highest(sweep: readonly ClusteringAggregatePoint[], value: (point: ClusteringAggregatePoint) => number | null): ClusteringAggregatePoint | undefined {
  let best: ClusteringAggregatePoint | undefined;
  let bestValue = -Infinity;
  for (const point of sweep) {
    const v = value(point);
    if (v !== null && (best === undefined || v > bestValue)) {
      best = point;
      bestValue = v;
    }
  }
  return best;
}
