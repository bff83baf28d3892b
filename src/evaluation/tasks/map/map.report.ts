import { medianAbsoluteDeviation } from '../../../numeric/statistics';
import type { Measured } from '../../undefined-value';
import { taskReport, type ReportFigure } from '../task-report';
import { MAP_KINDS, type MapAggregateResult, type MapParameters } from './map.result';

/** mAP is a mean over (cell line, group), not a median over cell lines: the spread is the MAD of the cell lines' own mAPs. */
export const mapReport = taskReport<'map', MapParameters, MapAggregateResult>(
  'map',
  'Mean average precision',
  [
    ['activity', 'mAP activity', 'higher'],
    ['consistency', 'mAP consistency', 'higher'],
    ['activity.significant', 'active (share)', 'higher'],
  ],
  (stored) => {
    const values: Record<string, ReportFigure> = {};
    for (const kind of MAP_KINDS) {
      const newest = stored.find(({ parameters }) => parameters.kind === kind);
      if (!newest) continue;
      const { meanAveragePrecision, fractionSignificant, cellLines } = newest.aggregate;
      const perLine = cellLines.map((line) => line.meanAveragePrecision.value).filter((value): value is number => value !== null);
      values[`map.${kind}`] = { ...figure(meanAveragePrecision), spread: perLine.length > 0 ? medianAbsoluteDeviation(perLine) : null };
      if (kind === 'activity') values['map.activity.significant'] = figure(fractionSignificant);
    }
    return { values, cellLines: 0 };
  },
);

function figure(measured: Measured): ReportFigure {
  return { value: measured.value, spread: null, ...(measured.value === null ? { reason: measured.reason } : {}) };
}
