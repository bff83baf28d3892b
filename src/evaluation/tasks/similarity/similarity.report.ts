import { medianMadFigure, NO_FIGURES, taskReport } from '../task-report';
import type { SimilarityAggregateResult, SimilarityParameters } from './similarity.result';

/** The reference study's pair: the report compares runs on it, else on the newest pair stored. */
const REPORTED_PAIR = ['Methotrexate', 'Pemetrexed'];

export const similarityReport = taskReport<'similarity', SimilarityParameters, SimilarityAggregateResult>(
  'similarity',
  'Similarity of known drugs (Methotrexate vs Pemetrexed against DMSO)',
  [
    ['cosine.d', 'd (cosine)', 'higher'],
    ['euclidean.d', 'd (euclidean)', 'higher'],
    ['cosine.inverse', 'D⁻¹ (cosine)', 'higher'],
  ],
  (stored) => {
    const pairs = stored.filter(({ parameters }) => (parameters.moa ?? null) === null);
    const chosen = pairs.find(({ parameters }) => parameters.compounds.length === REPORTED_PAIR.length && REPORTED_PAIR.every((name) => parameters.compounds.includes(name))) ?? pairs[0];
    if (!chosen) return NO_FIGURES;
    const { aggregate, cellLines } = chosen.aggregate;
    return {
      values: {
        'similarity.cosine.d': medianMadFigure(aggregate.cosine?.relativeDistance),
        'similarity.euclidean.d': medianMadFigure(aggregate.euclidean?.relativeDistance),
        'similarity.cosine.inverse': medianMadFigure(aggregate.cosine?.inverseDistance),
      },
      cellLines: cellLines.length,
    };
  },
);
