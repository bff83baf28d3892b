/**
 * A task's columns in the comparison report (src/reports/comparison-report.ts) and how it
 * reads them off its stored results: the aggregate over cell lines for the cell's figure, the
 * per-cell-line values for the paired tests between setups.
 */
export interface ReportColumn<Task extends string = string> {
  key: string;
  task: Task;
  label: string;
  /** which way is better */
  better: 'higher' | 'lower';
  unit?: 'seconds' | 'bytes' | 'images/s';
}

/** A figure of one run: the median over cell lines and its MAD, or null and why; and the value of each cell line. */
export interface ReportFigure {
  value: number | null;
  spread: number | null;
  reason?: string;
  /** by cell line name, where the value is defined there */
  byCellLine?: Record<string, number>;
}

/** A cell line's fields as the task's cellLineFields paths read them from its stored result (every match, in order). */
export interface StoredCellLine {
  cellLine: string;
  fields: Record<string, unknown[]>;
}

/** A stored aggregate row of the task, the parameters of its result set and that set's cell-line rows. */
export interface StoredAggregate<Parameters, Aggregate> {
  parameters: Parameters;
  aggregate: Aggregate;
  lines: readonly StoredCellLine[];
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
  /** the column the report's summary judges the task by */
  readonly headline: string;
  /** SQL/JSON paths into a per-cell-line result, by field name: what figures() reads from `lines` */
  readonly cellLineFields: Readonly<Record<string, string>>;
  /** the figures of a run from its stored aggregates of this task, newest first */
  figures(stored: ReadonlyArray<StoredAggregate<Parameters, Aggregate>>): TaskFigures;
}

/** The figure of a median and MAD over cell lines. */
export function medianMadFigure(entry: { median: { value: number | null; reason?: string }; mad: { value: number | null } } | undefined, byCellLine?: Record<string, number>): ReportFigure {
  if (!entry) return { value: null, spread: null, reason: 'not stored' };
  const value = entry.median.value;
  return { value, spread: entry.mad.value, ...(value === null ? { reason: entry.median.reason ?? 'undefined' } : {}), ...(byCellLine ? { byCellLine } : {}) };
}

/** Each cell line's value of a field, at an index of its matches (0: the field's single value). */
export function fieldByCellLine(lines: readonly StoredCellLine[], field: string, index = 0): Record<string, number> {
  const values: Record<string, number> = {};
  for (const line of lines) {
    const value = line.fields[field]?.[index];
    if (typeof value === 'number' && Number.isFinite(value)) values[line.cellLine] = value;
  }
  return values;
}

/** What a run without a stored aggregate of the task shows: nothing (its cells say "not evaluated yet"). */
export const NO_FIGURES: TaskFigures = { values: {}, cellLines: 0 };

/** A task's report from its columns: [key within the task, label, which way is better]; the headline is a key within the task. */
export function taskReport<Task extends string, Parameters, Aggregate>(spec: {
  task: Task;
  title: string;
  columns: ReadonlyArray<readonly [key: string, label: string, better: 'higher' | 'lower']>;
  headline: string;
  cellLineFields: Record<string, string>;
  figures: TaskReport<Parameters, Aggregate>['figures'];
}): TaskReport<Parameters, Aggregate, Task> {
  const columns = spec.columns.map(([key, label, better]) => ({ key: `${spec.task}.${key}`, task: spec.task, label, better }));
  const headline = `${spec.task}.${spec.headline}`;
  if (!columns.some((column) => column.key === headline)) throw new RangeError(`the headline ${headline} is not a column of ${spec.task}`);
  return { title: spec.title, columns, headline, cellLineFields: spec.cellLineFields, figures: spec.figures };
}
