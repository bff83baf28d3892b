/**
 * A task's columns in the comparison report (src/reports/comparison-report.ts) and how it
 * reads them off its stored aggregates over cell lines.
 */
export interface ReportColumn<Task extends string = string> {
  key: string;
  task: Task;
  label: string;
  /** which way is better */
  better: 'higher' | 'lower';
  unit?: 'seconds' | 'bytes' | 'images/s';
}

/** A figure of one run: the median over cell lines and its MAD, or null and why. */
export interface ReportFigure {
  value: number | null;
  spread: number | null;
  reason?: string;
}

/** A stored aggregate row of the task and the parameters of its result set. */
export interface StoredAggregate<Parameters, Aggregate> {
  parameters: Parameters;
  aggregate: Aggregate;
}

/** A run's figures of one task by column key, and how many cell lines its aggregates cover. */
export interface TaskFigures {
  values: Record<string, ReportFigure>;
  cellLines: number;
}

export interface TaskReport<Parameters, Aggregate, Task extends string = string> {
  /** the heading of the task's table */
  readonly title: string;
  readonly columns: ReadonlyArray<ReportColumn<Task>>;
  /** the figures of a run from its stored aggregates of this task, newest first */
  figures(stored: ReadonlyArray<StoredAggregate<Parameters, Aggregate>>): TaskFigures;
}

/** The figure of a median and MAD over cell lines. */
export function medianMadFigure(entry: { median: { value: number | null; reason?: string }; mad: { value: number | null } } | undefined): ReportFigure {
  if (!entry) return { value: null, spread: null, reason: 'not stored' };
  const value = entry.median.value;
  return { value, spread: entry.mad.value, ...(value === null ? { reason: entry.median.reason ?? 'undefined' } : {}) };
}

/** What a run without a stored aggregate of the task shows: nothing (its cells say "not evaluated yet"). */
export const NO_FIGURES: TaskFigures = { values: {}, cellLines: 0 };

/** A task's report from its columns: [key within the task, label, which way is better]. */
export function taskReport<Task extends string, Parameters, Aggregate>(
  task: Task,
  title: string,
  columns: ReadonlyArray<readonly [key: string, label: string, better: 'higher' | 'lower']>,
  figures: TaskReport<Parameters, Aggregate>['figures'],
): TaskReport<Parameters, Aggregate, Task> {
  return { title, columns: columns.map(([key, label, better]) => ({ key: `${task}.${key}`, task, label, better })), figures };
}
