import { medianAbsoluteDeviation } from '../../../numeric/statistics';
import type { Measured } from '../../undefined-value';
import type { ReportColumn, ReportFigure, TaskReport, TaskFigures } from '../task-report';
import { MAP_KINDS } from './map.result';
import type { MapAggregateResult, MapParameters } from './map.result';

const columns: ReadonlyArray<ReportColumn<'map'>> = [
  { key: 'map.activity', task: 'map', label: 'mAP activity', better: 'higher' },
  { key: 'map.consistency', task: 'map', label: 'mAP consistency', better: 'higher' },
  { key: 'map.activity.significant', task: 'map', label: 'active (share)', better: 'higher' },
];

/** mAP is a mean over (cell line, group), not a median over cell lines: the spread is the MAD of the cell lines' own mAPs. */
export const mapReport = {
  title: 'Mean average precision',
  columns,
  figures(stored): TaskFigures {
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
} satisfies TaskReport<MapParameters, MapAggregateResult>;

function figure(measured: Measured): ReportFigure {
  return { value: measured.value, spread: null, ...(measured.value === null ? { reason: measured.reason } : {}) };
}
