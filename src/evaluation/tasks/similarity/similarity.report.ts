import type { ReportColumn, ReportFigure, TaskReport, TaskFigures } from '../task-report';
import { medianMadFigure } from '../task-report';
import type { SimilarityAggregateResult, SimilarityParameters } from './similarity.result';

/** The reference study's pair: the report compares runs on it, else on the newest pair stored. */
const REPORTED_PAIR = ['Methotrexate', 'Pemetrexed'];

const columns: ReadonlyArray<ReportColumn<'similarity'>> = [
  { key: 'similarity.cosine.d', task: 'similarity', label: 'd (cosine)', better: 'higher' },
  { key: 'similarity.euclidean.d', task: 'similarity', label: 'd (euclidean)', better: 'higher' },
  { key: 'similarity.cosine.inverse', task: 'similarity', label: 'D⁻¹ (cosine)', better: 'higher' },
];

export const similarityReport = {
  title: 'Similarity of known drugs (Methotrexate vs Pemetrexed against DMSO)',
  columns,
  figures(stored): TaskFigures {
    const pairs = stored.filter(({ parameters }) => (parameters.moa ?? null) === null);
    const chosen = pairs.find(({ parameters }) => parameters.compounds.length === REPORTED_PAIR.length && REPORTED_PAIR.every((name) => parameters.compounds.includes(name))) ?? pairs[0];
    if (!chosen) return { values: {}, cellLines: 0 };
    const { aggregate } = chosen.aggregate;
    const values: Record<string, ReportFigure> = {
      'similarity.cosine.d': medianMadFigure(aggregate.cosine?.relativeDistance),
      'similarity.euclidean.d': medianMadFigure(aggregate.euclidean?.relativeDistance),
      'similarity.cosine.inverse': medianMadFigure(aggregate.cosine?.inverseDistance),
    };
    return { values, cellLines: chosen.aggregate.cellLines.length };
  },
} satisfies TaskReport<SimilarityParameters, SimilarityAggregateResult>;
