import type { ComparisonReport } from './comparison-report';

/**
 * The headline figures of one setup or baseline, each the median over cell lines (null when
 * undefined), read off the comparison report's cells (the mean over replicates where a sweep
 * has several): whether its representation recovers the planted biology.
 */
export interface ScienceFigures {
  setup: string;
  /** a baseline row (untrained encoder, hand-crafted features), not one of the learned setups */
  baseline: boolean;
  /** drug vs control ROC-AUC at each drug's top dose, held-out plates */
  topDoseRocAuc: number | null;
  /** mAP of compounds sharing a mechanism of action */
  moaConsistencyMap: number | null;
  /** mAP of a compound's replicate wells against the control's */
  activityMap: number | null;
  /** relative cosine distance d of Methotrexate-Pemetrexed against DMSO */
  dCosine: number | null;
  /** drug consistency within clusters, at the run's best clustering sweep point by silhouette */
  clusteringConsistency: number | null;
  /** adjusted mutual information of clusters and compounds, at the sweep point where it is highest (the clustering task's headline) */
  clusteringAmi: number | null;
  /** 1-NN MoA accuracy over treatment profiles, the neighbour not of the same compound */
  nsc: number | null;
  /** the same, the neighbour also from another batch */
  nscb: number | null;
}

export const HEADLINE_METRICS = ['topDoseRocAuc', 'moaConsistencyMap', 'activityMap', 'dCosine', 'clusteringConsistency', 'clusteringAmi', 'nsc', 'nscb'] as const;

const REPORT_COLUMN: Record<(typeof HEADLINE_METRICS)[number], string> = {
  topDoseRocAuc: 'classification.topDoseRocAuc',
  moaConsistencyMap: 'map.consistency',
  activityMap: 'map.activity',
  dCosine: 'similarity.cosine.d',
  clusteringConsistency: 'clustering.consistency',
  clusteringAmi: 'clustering.ami',
  nsc: 'nsc.nsc',
  nscb: 'nsc.nscb',
};

/** One entry per report row: the learned setups, then the baselines. */
export function scienceFigures(report: ComparisonReport): ScienceFigures[] {
  return report.rows.map((row) => {
    const value = (metric: (typeof HEADLINE_METRICS)[number]) => row.cells[REPORT_COLUMN[metric]]?.value ?? null;
    return {
      setup: row.setup,
      baseline: row.baseline !== null,
      topDoseRocAuc: value('topDoseRocAuc'),
      moaConsistencyMap: value('moaConsistencyMap'),
      activityMap: value('activityMap'),
      dCosine: value('dCosine'),
      clusteringConsistency: value('clusteringConsistency'),
      clusteringAmi: value('clusteringAmi'),
      nsc: value('nsc'),
      nscb: value('nscb'),
    };
  });
}
