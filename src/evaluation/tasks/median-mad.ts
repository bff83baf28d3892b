import { median, medianAbsoluteDeviation } from '../../numeric/statistics';
import { measured, undefinedBecause, type Measured } from '../undefined-value';

/** A per-cell-line value over cell lines: its median and MAD, as the reference study reports it. */
export interface MedianMad {
  median: Measured;
  mad: Measured;
  /** cell lines where the value is defined */
  cellLines: number;
}

/** Median and MAD over the defined values; the reasons when none is. */
export function medianMad(values: readonly Measured[]): MedianMad {
  const defined = values.filter((v) => v.value !== null).map((v) => v.value as number);
  if (defined.length === 0) {
    const reason = values.length === 0 ? 'no cell lines' : `undefined in all ${values.length} cell lines: ${[...new Set(values.map((v) => v.reason))].join('; ')}`;
    return { median: undefinedBecause(reason), mad: undefinedBecause(reason), cellLines: 0 };
  }
  return { median: measured(median(defined) as number), mad: measured(medianAbsoluteDeviation(defined) as number), cellLines: defined.length };
}
