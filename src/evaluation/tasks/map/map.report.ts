import { medianAbsoluteDeviation } from '../../../numeric/statistics';
import type { Measured } from '../../undefined-value';
import { taskReport, type ReportFigure } from '../task-report';
import { MAP_KINDS, type MapAggregateResult, type MapParameters } from './map.result';

/**
 * mAP is a mean over (cell line, group), not a median over cell lines: the spread is the MAD of
 * the cell lines' own mAPs. The aggregate row carries each cell line's figures, so the per-cell-line
 * rows are not read.
 */
export const mapReport = taskReport<'map', MapParameters, MapAggregateResult>({
  task: 'map',
  title: 'Mean average precision',
  columns: [
    ['activity', 'mAP activity', 'higher'],
    ['consistency', 'mAP consistency', 'higher'],
    ['activity.significant', 'active (share)', 'higher'],
  ],
  headline: 'consistency',
  cellLineFields: {},
  figures: (stored) => {
    const values: Record<string, ReportFigure> = {};
    for (const kind of MAP_KINDS) {
      const newest = stored.find(({ parameters }) => parameters.kind === kind);
      if (!newest) continue;
      const { meanAveragePrecision, fractionSignificant, cellLines } = newest.aggregate;
      const byCellLine = definedByCellLine(cellLines.map((line) => [line.cellLine, line.meanAveragePrecision]));
      const perLine = Object.values(byCellLine);
      values[`map.${kind}`] = { ...figure(meanAveragePrecision), spread: perLine.length > 0 ? medianAbsoluteDeviation(perLine) : null, byCellLine };
      if (kind === 'activity') values['map.activity.significant'] = { ...figure(fractionSignificant), byCellLine: definedByCellLine(cellLines.map((line) => [line.cellLine, line.fractionSignificant])) };
    }
    return { values, cellLines: 0 };
  },
});

function figure(measured: Measured): ReportFigure {
  return { value: measured.value, spread: null, ...(measured.value === null ? { reason: measured.reason } : {}) };
}

function definedByCellLine(entries: ReadonlyArray<readonly [string, Measured]>): Record<string, number> {
  return Object.fromEntries(entries.filter(([, measured]) => measured.value !== null).map(([cellLine, measured]) => [cellLine, measured.value as number]));
}
