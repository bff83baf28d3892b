import { medianMadFigure, type ReportColumn, type TaskReport, type TaskFigures } from '../task-report';
import type { ClassificationAggregateResult, ClassificationParameters } from './classification.result';

const columns: ReadonlyArray<ReportColumn<'classification'>> = [
  { key: 'classification.accuracy', task: 'classification', label: 'accuracy', better: 'higher' },
  { key: 'classification.f1', task: 'classification', label: 'F1', better: 'higher' },
  { key: 'classification.rocAuc', task: 'classification', label: 'ROC-AUC', better: 'higher' },
];

export const classificationReport = {
  title: 'Drug vs control classification',
  columns,
  figures(stored): TaskFigures {
    const newest = stored[0];
    if (!newest) return { values: {}, cellLines: 0 };
    const { metrics, cellLines } = newest.aggregate;
    return {
      values: { 'classification.accuracy': medianMadFigure(metrics.accuracy), 'classification.f1': medianMadFigure(metrics.f1), 'classification.rocAuc': medianMadFigure(metrics.rocAuc) },
      cellLines: cellLines.length,
    };
  },
} satisfies TaskReport<ClassificationParameters, ClassificationAggregateResult>;
