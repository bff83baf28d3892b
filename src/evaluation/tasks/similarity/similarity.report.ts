import { fieldByCellLine, medianMadFigure, NO_FIGURES, taskReport } from '../task-report';
import type { SimilarityAggregateResult, SimilarityParameters } from './similarity.result';

/** The reference study's pair: the report compares runs on it, else on the newest pair stored. */
const REPORTED_PAIR = ['Methotrexate', 'Pemetrexed'];

export const similarityReport = taskReport<'similarity', SimilarityParameters, SimilarityAggregateResult>({
  task: 'similarity',
  title: 'Similarity of known drugs (Methotrexate vs Pemetrexed against DMSO)',
  columns: [
    ['cosine.d', 'd (cosine)', 'higher'],
    ['euclidean.d', 'd (euclidean)', 'higher'],
    ['cosine.inverse', 'D⁻¹ (cosine)', 'higher'],
  ],
  headline: 'cosine.d',
  cellLineFields: {
    cosineD: '$.metrics.cosine.relativeDistance.value',
    euclideanD: '$.metrics.euclidean.relativeDistance.value',
    cosineInverse: '$.metrics.cosine.inverseDistance.value',
  },
  figures: (stored) => {
    const pairs = stored.filter(({ parameters }) => (parameters.moa ?? null) === null);
    const chosen = pairs.find(({ parameters }) => parameters.compounds.length === REPORTED_PAIR.length && REPORTED_PAIR.every((name) => parameters.compounds.includes(name))) ?? pairs[0];
    if (!chosen) return NO_FIGURES;
    const { aggregate, cellLines } = chosen.aggregate;
    return {
      values: {
        'similarity.cosine.d': medianMadFigure(aggregate.cosine?.relativeDistance, fieldByCellLine(chosen.lines, 'cosineD')),
        'similarity.euclidean.d': medianMadFigure(aggregate.euclidean?.relativeDistance, fieldByCellLine(chosen.lines, 'euclideanD')),
        'similarity.cosine.inverse': medianMadFigure(aggregate.cosine?.inverseDistance, fieldByCellLine(chosen.lines, 'cosineInverse')),
      },
      cellLines: cellLines.length,
    };
  },
});
