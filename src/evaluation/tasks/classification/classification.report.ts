import { medianMadFigure, NO_FIGURES, taskReport } from '../task-report';
import type { ClassificationAggregateResult, ClassificationParameters } from './classification.result';

export const classificationReport = taskReport<'classification', ClassificationParameters, ClassificationAggregateResult>(
  'classification',
  'Drug vs control classification',
  [
    ['accuracy', 'accuracy', 'higher'],
    ['f1', 'F1', 'higher'],
    ['rocAuc', 'ROC-AUC', 'higher'],
  ],
  ([newest]) => {
    if (!newest) return NO_FIGURES;
    const { metrics, cellLines } = newest.aggregate;
    return {
      values: { 'classification.accuracy': medianMadFigure(metrics.accuracy), 'classification.f1': medianMadFigure(metrics.f1), 'classification.rocAuc': medianMadFigure(metrics.rocAuc) },
      cellLines: cellLines.length,
    };
  },
);
