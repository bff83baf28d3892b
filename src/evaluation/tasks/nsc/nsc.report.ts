import { medianMadFigure, taskReport, type ReportFigure } from '../task-report';
import { NSC_RULES, type NscAggregateResult, type NscParameters } from './nsc.result';

/**
 * Like the other tasks' cells, NSC and NSCB are the median over cell lines (± MAD) of the
 * cell lines' treatment-level accuracies; the aggregate row carries each cell line's, so the
 * per-cell-line rows are not read.
 */
export const nscReport = taskReport<'nsc', NscParameters, NscAggregateResult>({
  task: 'nsc',
  title: 'MoA accuracy (1-NN over treatments)',
  columns: [
    ['nsc', 'NSC', 'higher'],
    ['nscb', 'NSCB', 'higher'],
  ],
  headline: 'nsc',
  cellLineFields: {},
  figures: ([newest]) => {
    const values: Record<string, ReportFigure> = {};
    if (!newest) return { values, cellLines: 0 };
    for (const rule of NSC_RULES) {
      const byCellLine = Object.fromEntries(newest.aggregate.cellLines.filter((line) => line[rule].value !== null).map((line) => [line.cellLine, line[rule].value as number]));
      values[`nsc.${rule}`] = medianMadFigure(newest.aggregate[rule].overCellLines, byCellLine);
    }
    return { values, cellLines: newest.aggregate.cellLines.length };
  },
});
