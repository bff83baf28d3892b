import type { BaselineKind, MetricColumn, ReportRow } from './comparison-report';

/** One headline column: its best learned setup against the classical baseline. */
export interface HeadlineVersusClassical {
  column: string;
  label: string;
  /** the learned setup ranked first in the column; null when none has a value */
  bestSetup: string | null;
  value: number | null;
  classical: number | null;
  /** whether the best learned setup beats the classical baseline; null where either is undefined */
  beats: boolean | null;
}

/** What the comparison says in two lines: did training help, and does the best reach the classical features? */
export interface ReportSummary {
  headlines: string[];
  learnedSetups: number;
  /** learned setups better than baseline/untrained on every headline column; null without that baseline */
  beatUntrainedOnEveryHeadline: number | null;
  /** their names */
  setupsBeatingUntrained: string[];
  againstClassical: HeadlineVersusClassical[];
}

export function summarise(rows: readonly ReportRow[], headlines: readonly MetricColumn[]): ReportSummary {
  const learned = rows.filter((row) => row.baseline === null);
  const baseline = (kind: BaselineKind) => rows.find((row) => row.baseline === kind);
  const beating = learned.filter((row) => headlines.every((column) => row.cells[column.key]?.beats?.untrained === true));
  return {
    headlines: headlines.map((column) => column.key),
    learnedSetups: learned.length,
    beatUntrainedOnEveryHeadline: baseline('untrained') ? beating.length : null,
    setupsBeatingUntrained: beating.map((row) => row.setup),
    againstClassical: headlines.map((column) => {
      const best = learned.find((row) => row.cells[column.key]?.rank === 1);
      const cell = best?.cells[column.key];
      return {
        column: column.key,
        label: column.label,
        bestSetup: best?.setup ?? null,
        value: cell?.value ?? null,
        classical: baseline('classical')?.cells[column.key]?.value ?? null,
        beats: cell?.beats?.classical ?? null,
      };
    }),
  };
}
