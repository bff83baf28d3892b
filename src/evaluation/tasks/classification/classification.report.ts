import { fieldByCellLine, medianMadFigure, NO_FIGURES, taskReport } from '../task-report';
import type { ClassificationAggregateResult, ClassificationParameters } from './classification.result';

/** The columns: [key in the aggregate's metrics and in the cell lines' fields, label]. */
const METRICS = [
  ['accuracy', 'accuracy'],
  ['f1', 'F1'],
  ['rocAuc', 'ROC-AUC'],
  ['topDoseRocAuc', 'top-dose ROC-AUC'],
] as const;

export const classificationReport = taskReport<'classification', ClassificationParameters, ClassificationAggregateResult>({
  task: 'classification',
  title: 'Drug vs control classification',
  columns: METRICS.map(([key, label]) => [key, label, 'higher'] as const),
  headline: 'topDoseRocAuc',
  cellLineFields: {
    accuracy: '$.report.accuracy.value',
    f1: '$.report.f1.value',
    rocAuc: '$.report.rocAuc.value',
    topDoseRocAuc: '$.topDose.rocAuc.value',
  },
  figures: ([newest]) => {
    if (!newest) return NO_FIGURES;
    const { metrics, cellLines } = newest.aggregate;
    return {
      values: Object.fromEntries(METRICS.map(([key]) => [`classification.${key}`, medianMadFigure(metrics[key], fieldByCellLine(newest.lines, key))])),
      cellLines: cellLines.length,
    };
  },
});
