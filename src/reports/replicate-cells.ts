import type { ReportFigure } from '../evaluation/tasks/task-report';
import { mean } from '../numeric/statistics';
import { meanWithInterval, pairedTTest, type Interval } from '../numeric/significance';

/** A setup's figure in one column over its replicate runs, before ranking. */
export interface ReplicateFigure {
  /** mean over the replicates with a defined value */
  value: number | null;
  /** 95% Student-t interval over those replicates; null with fewer than 2 */
  interval: Interval | null;
  /** mean of the replicates' spreads (MAD over cell lines) */
  spread: number | null;
  /** replicates with a defined value */
  replicates: number;
  /** per cell line, the mean over the replicates with a value there */
  byCellLine: Record<string, number>;
  reason?: string;
}

/** One column's figures of a setup's runs, in replicate order, combined. */
export function combineReplicates(figures: readonly ReportFigure[]): ReplicateFigure {
  const defined = figures.filter((figure): figure is ReportFigure & { value: number } => figure.value !== null);
  const summary = meanWithInterval(defined.map((figure) => figure.value));
  const spreads = defined.map((figure) => figure.spread).filter((spread): spread is number => spread !== null);
  const sums = new Map<string, { total: number; count: number }>();
  for (const figure of figures) {
    for (const [cellLine, value] of Object.entries(figure.byCellLine ?? {})) {
      const entry = sums.get(cellLine) ?? { total: 0, count: 0 };
      sums.set(cellLine, { total: entry.total + value, count: entry.count + 1 });
    }
  }
  const byCellLine = Object.fromEntries([...sums].map(([cellLine, { total, count }]) => [cellLine, total / count]));
  if (!summary) {
    const reasons = [...new Set(figures.map((figure) => figure.reason ?? 'undefined'))];
    return { value: null, interval: null, spread: null, replicates: 0, byCellLine, reason: reasons.join('; ') || 'no run' };
  }
  return { value: summary.mean, interval: summary.interval, spread: mean(spreads), replicates: defined.length, byCellLine };
}

/** The fewest cell lines a paired test over cell lines is run on. */
export const MIN_PAIRED_CELL_LINES = 3;
export const TIE_ALPHA = 0.05;

/**
 * Whether a setup is tied with the column's best: a two-sided paired t-test over the cell lines
 * both have a value for (each the mean over replicates) does not reject equal means at alpha
 * 0.05. null, with the reason, when too few cell lines are in common.
 */
export function tiedWith(setup: Readonly<Record<string, number>>, best: Readonly<Record<string, number>>): { tied: boolean | null; reason?: string } {
  if (Object.keys(setup).length === 0 || Object.keys(best).length === 0) return { tied: null, reason: 'no per-cell-line values to pair' };
  const common = Object.keys(setup).filter((cellLine) => cellLine in best).sort();
  if (common.length < MIN_PAIRED_CELL_LINES) {
    return { tied: null, reason: `${common.length} cell line${common.length === 1 ? '' : 's'} in common with the best, the paired test needs ${MIN_PAIRED_CELL_LINES}` };
  }
  const { significant } = pairedTTest(common.map((cellLine) => setup[cellLine]), common.map((cellLine) => best[cellLine]), TIE_ALPHA);
  return { tied: !significant };
}

/** Whether a value is better than a baseline's in the column's direction; null where either is undefined. */
export function beatsBaseline(value: number | null, baseline: number | null | undefined, better: 'higher' | 'lower'): boolean | null {
  if (value === null || baseline === null || baseline === undefined) return null;
  return better === 'higher' ? value > baseline : value < baseline;
}
