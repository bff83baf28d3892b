import type { ComparedCellLine, ComparedEvaluation, ComparedRun } from '../db/repositories/comparison.repository';
import { EVALUATION_TASKS, TASK_NAMES, TASK_REPORT_COLUMNS, type TaskName } from '../evaluation/tasks/task.registry';
import type { ReportColumn, ReportFigure } from '../evaluation/tasks/task-report';
import type { Interval } from '../numeric/significance';
import { mean } from '../numeric/statistics';
import { beatsBaseline, combineReplicates, tiedWith, type ReplicateFigure } from './replicate-cells';
import { summarise, type ReportSummary } from './report-summary';
import type { RunResources } from './resource-comparison';

/**
 * The reference study's comparison table for a sweep: one row per setup (its replicate runs
 * together), one column per metric of the evaluation tasks and resources. Each cell: the mean
 * over replicates of the run's median over cell lines, its 95% interval over replicates, the
 * spread across cell lines, the rank among the learned setups, whether it is tied with the
 * column's best and whether it beats each baseline. The baselines (untrained encoder, classical
 * features) are rows too, marked and never ranked.
 *
 * Which figures each task shows, and how it reads them off its stored results, is the task's
 * report (src/evaluation/tasks/<task>/<task>.report.ts).
 */
export type ReportTask = TaskName | 'resources';
export const REPORT_TASKS: readonly ReportTask[] = [...TASK_NAMES, 'resources'];

export type MetricColumn = ReportColumn<ReportTask>;
export type BaselineKind = 'untrained' | 'classical';
export const BASELINE_KINDS: readonly BaselineKind[] = ['untrained', 'classical'];

const RESOURCE_COLUMNS: ReadonlyArray<ReportColumn<'resources'>> = [
  { key: 'resources.wallSeconds', task: 'resources', label: 'wall time', better: 'lower', unit: 'seconds' },
  { key: 'resources.timeToBestEpochSeconds', task: 'resources', label: 'time to best epoch', better: 'lower', unit: 'seconds' },
  { key: 'resources.imagesPerSecond', task: 'resources', label: 'images/s', better: 'higher', unit: 'images/s' },
  { key: 'resources.peakRssBytes', task: 'resources', label: 'peak RSS', better: 'lower', unit: 'bytes' },
];

export const METRIC_COLUMNS: readonly MetricColumn[] = [...TASK_REPORT_COLUMNS, ...RESOURCE_COLUMNS];
/** Each task's headline column, in registry order: what the summary judges setups by. */
export const HEADLINE_COLUMNS: readonly string[] = EVALUATION_TASKS.map((task) => task.report.headline);

export interface ReportCell {
  /** mean over replicates of the run's figure (median over cell lines; resources: the run's own); null with a reason */
  value: number | null;
  /** 95% Student-t confidence interval over replicates; null with one replicate */
  interval: Interval | null;
  /** median absolute deviation over cell lines (mean over replicates), where the metric is per cell line */
  spread: number | null;
  /** replicates with a defined value */
  replicates: number;
  /** 1 = best among the learned setups; null for baselines and undefined values */
  rank: number | null;
  /** learned setups: the difference from the column's best is not significant (paired t-test over cell lines, alpha 0.05) */
  tiedWithBest: boolean | null;
  tieReason?: string;
  /** learned setups: better than each baseline's value in the column's direction */
  beats: Record<BaselineKind, boolean | null> | null;
  reason?: string;
}

export interface ReportRow extends Pick<ComparedRun, 'setup' | 'paradigm' | 'cropMode' | 'augment' | 'baseline'> {
  /** the setup's runs, in replicate order */
  runIds: string[];
  replicates: number;
  /** "succeeded" when every run did, else the first other status */
  status: string;
  evaluated: boolean;
  cells: Record<string, ReportCell>;
  /** mean rank over each task's defined columns (learned setups only) */
  taskRanks: Partial<Record<ReportTask, number>>;
  /** mean of the evaluation tasks' ranks */
  overallRank: number | null;
}

export interface BestSetup {
  task: ReportTask | 'overall';
  setup: string;
  runIds: string[];
  meanRank: number;
}

export interface ComparisonReport {
  sweep: { id: string; screen: string; profile: string; config: Record<string, unknown>; createdAt: string };
  generatedAt: string;
  cellLines: number;
  columns: MetricColumn[];
  /** the headline column of each evaluation task */
  headlines: string[];
  /** learned setups first, then the baselines */
  rows: ReportRow[];
  /** among the learned setups */
  best: BestSetup[];
  summary: ReportSummary;
  /** the run the resource ratios of `compareResources` are relative to */
  resourceReference: { runId: string; setup: string } | null;
}

export function buildComparisonReport(input: {
  sweep: ComparisonReport['sweep'];
  runs: readonly ComparedRun[];
  evaluations: readonly ComparedEvaluation[];
  cellLineRows?: readonly ComparedCellLine[];
  resources: readonly RunResources[];
  resourceReferenceRunId: string | null;
  generatedAt?: Date;
}): ComparisonReport {
  const resourcesByRun = new Map(input.resources.map((row) => [row.runId, row]));
  const groups = new Map<string, ComparedRun[]>();
  for (const run of [...input.runs].sort((a, b) => Number(a.baseline !== null) - Number(b.baseline !== null) || a.replicate - b.replicate)) {
    groups.set(run.setup, [...(groups.get(run.setup) ?? []), run]);
  }
  let cellLines = 0;
  const raw = [...groups.values()].map((runs) => {
    const perRun = runs.map((run) => {
      const rows = input.evaluations.filter((row) => row.runId === run.id);
      const metrics = extractMetrics(rows, (input.cellLineRows ?? []).filter((line) => line.runId === run.id));
      cellLines = Math.max(cellLines, metrics.cellLines);
      const resources = resourcesByRun.get(run.id);
      for (const figure of ['wallSeconds', 'timeToBestEpochSeconds', 'imagesPerSecond', 'peakRssBytes'] as const) {
        const value = resources?.[figure] ?? null;
        metrics.values[`resources.${figure}`] = value === null ? { value: null, spread: null, reason: 'no finished epoch' } : { value, spread: null };
      }
      return { evaluated: rows.length > 0, values: metrics.values };
    });
    const figures: Record<string, ReplicateFigure> = {};
    for (const column of METRIC_COLUMNS) {
      const stored = perRun.map(({ evaluated, values }) => values[column.key] ?? { value: null, spread: null, reason: evaluated ? 'not in the stored evaluation' : 'not evaluated yet' });
      figures[column.key] = combineReplicates(stored);
    }
    return { runs, figures, evaluated: perRun.some((run) => run.evaluated) };
  });

  const learned = raw.filter((entry) => entry.runs[0].baseline === null);
  const baselines = new Map(raw.filter((entry) => entry.runs[0].baseline !== null).map((entry) => [entry.runs[0].baseline as BaselineKind, entry]));
  const cellsBySetup = new Map<string, Record<string, ReportCell>>(raw.map((entry) => [entry.runs[0].setup, {}]));
  for (const column of METRIC_COLUMNS) {
    const ranks = rankColumn(learned.map((entry) => ({ id: entry.runs[0].setup, value: entry.figures[column.key].value })), column.better);
    const bestSetup = learned.find((entry) => ranks.get(entry.runs[0].setup) === 1);
    for (const entry of raw) {
      const setup = entry.runs[0].setup;
      const figure = entry.figures[column.key];
      const isLearned = entry.runs[0].baseline === null;
      const tie = isLearned && figure.value !== null && bestSetup ? tiedWith(figure.byCellLine, bestSetup.figures[column.key].byCellLine) : { tied: null };
      cellsBySetup.get(setup)![column.key] = {
        value: figure.value,
        interval: figure.interval,
        spread: figure.spread,
        replicates: figure.replicates,
        rank: ranks.get(setup) ?? null,
        tiedWithBest: bestSetup === entry ? true : tie.tied,
        ...(bestSetup !== entry && tie.reason ? { tieReason: tie.reason } : {}),
        beats: isLearned ? Object.fromEntries(BASELINE_KINDS.map((kind) => [kind, beatsBaseline(figure.value, baselines.get(kind)?.figures[column.key].value, column.better)])) as Record<BaselineKind, boolean | null> : null,
        ...(figure.value === null && figure.reason ? { reason: figure.reason } : {}),
      };
    }
  }

  const rows: ReportRow[] = raw.map(({ runs, evaluated }) => {
    const cells = cellsBySetup.get(runs[0].setup)!;
    const taskRanks: Partial<Record<ReportTask, number>> = {};
    for (const task of REPORT_TASKS) {
      const defined = METRIC_COLUMNS.filter((column) => column.task === task)
        .map((column) => cells[column.key].rank)
        .filter((rank): rank is number => rank !== null);
      const rank = mean(defined);
      if (rank !== null) taskRanks[task] = rank;
    }
    const scored = TASK_NAMES.map((task) => taskRanks[task]).filter((rank): rank is number => rank !== undefined);
    const { setup, paradigm, cropMode, augment, baseline } = runs[0];
    return {
      setup,
      paradigm,
      cropMode,
      augment,
      baseline,
      runIds: runs.map((run) => run.id),
      replicates: runs.length,
      status: runs.find((run) => run.status !== 'succeeded')?.status ?? 'succeeded',
      evaluated,
      cells,
      taskRanks,
      overallRank: mean(scored),
    };
  });

  const best: BestSetup[] = [];
  for (const task of [...REPORT_TASKS, 'overall'] as const) {
    let winner: ReportRow | undefined;
    let winnerRank = Infinity;
    for (const row of rows) {
      const rank = task === 'overall' ? row.overallRank : row.taskRanks[task];
      if (rank !== null && rank !== undefined && rank < winnerRank) {
        winner = row;
        winnerRank = rank;
      }
    }
    if (winner) best.push({ task, setup: winner.setup, runIds: winner.runIds, meanRank: winnerRank });
  }
  const reference = input.resourceReferenceRunId ? input.runs.find((run) => run.id === input.resourceReferenceRunId) : undefined;
  return {
    sweep: input.sweep,
    generatedAt: (input.generatedAt ?? new Date()).toISOString(),
    cellLines,
    columns: [...METRIC_COLUMNS],
    headlines: [...HEADLINE_COLUMNS],
    rows,
    best,
    summary: summarise(rows, METRIC_COLUMNS.filter((column) => HEADLINE_COLUMNS.includes(column.key))),
    resourceReference: reference ? { runId: reference.id, setup: reference.setup } : null,
  };
}

/** Ranks 1..n, best first; ties share the lowest rank; undefined values get none. */
export function rankColumn(values: ReadonlyArray<{ id: string; value: number | null }>, better: 'higher' | 'lower'): Map<string, number> {
  const defined = values.filter((entry): entry is { id: string; value: number } => entry.value !== null && Number.isFinite(entry.value));
  defined.sort((a, b) => (better === 'higher' ? b.value - a.value : a.value - b.value));
  const ranks = new Map<string, number>();
  defined.forEach((entry, index) => {
    const previous = defined[index - 1];
    ranks.set(entry.id, previous && previous.value === entry.value ? ranks.get(previous.id)! : index + 1);
  });
  return ranks;
}

/** A run's figures from its stored rows, newest first, with each parameter set's cell-line rows: each task reads its own. */
function extractMetrics(rows: readonly ComparedEvaluation[], lines: readonly ComparedCellLine[]): { values: Record<string, ReportFigure>; cellLines: number } {
  const values: Record<string, ReportFigure> = {};
  let cellLines = 0;
  for (const task of EVALUATION_TASKS) {
    const stored = rows
      .filter((row) => row.task === task.name)
      .map((row) => {
        const key = parameterKey(row.parameters);
        return { parameters: row.parameters, aggregate: row.result, lines: lines.filter((line) => line.task === task.name && parameterKey(line.parameters) === key) };
      });
    if (stored.length === 0) continue;
    const figures = task.report.figures(stored);
    Object.assign(values, figures.values);
    cellLines = Math.max(cellLines, figures.cellLines);
  }
  return { values, cellLines };
}

/** A parameter set's identity whatever the order of its keys. */
function parameterKey(parameters: Record<string, unknown>): string {
  return JSON.stringify(parameters, (_key, value: unknown) => (value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))) : value));
}
