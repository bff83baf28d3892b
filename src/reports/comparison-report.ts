import type { ComparedEvaluation, ComparedRun } from '../db/repositories/comparison.repository';
import { EVALUATION_TASKS, TASK_NAMES, TASK_REPORT_COLUMNS, type TaskName } from '../evaluation/tasks/task.registry';
import type { ReportColumn, ReportFigure } from '../evaluation/tasks/task-report';
import { mean } from '../numeric/statistics';
import type { RunResources } from './resource-comparison';

/**
 * The reference study's comparison table for a sweep: one row per setup, one column per metric
 * of the evaluation tasks and resources; each cell the median over cell lines with its MAD
 * (the spread across cell lines) and the setup's rank in that column; per task the best setup
 * (lowest mean rank over the task's columns).
 *
 * It reads only the stored rows over all cell lines; which figures each task shows, and how
 * it reads them off its aggregates, is the task's report (src/evaluation/tasks/<task>/<task>.report.ts).
 */
export type ReportTask = TaskName | 'resources';
export const REPORT_TASKS: readonly ReportTask[] = [...TASK_NAMES, 'resources'];

export type MetricColumn = ReportColumn<ReportTask>;

const RESOURCE_COLUMNS: ReadonlyArray<ReportColumn<'resources'>> = [
  { key: 'resources.wallSeconds', task: 'resources', label: 'wall time', better: 'lower', unit: 'seconds' },
  { key: 'resources.timeToBestEpochSeconds', task: 'resources', label: 'time to best epoch', better: 'lower', unit: 'seconds' },
  { key: 'resources.imagesPerSecond', task: 'resources', label: 'images/s', better: 'higher', unit: 'images/s' },
  { key: 'resources.peakRssBytes', task: 'resources', label: 'peak RSS', better: 'lower', unit: 'bytes' },
];

export const METRIC_COLUMNS: readonly MetricColumn[] = [...TASK_REPORT_COLUMNS, ...RESOURCE_COLUMNS];

export interface ReportCell {
  /** median over cell lines (resources: the run's own figure); null with a reason when undefined */
  value: number | null;
  /** median absolute deviation over cell lines, where the metric is per cell line */
  spread: number | null;
  /** 1 = best in the column; null when the value is undefined */
  rank: number | null;
  reason?: string;
}

export interface ReportRow extends Pick<RunResources, 'runId' | 'setup' | 'paradigm' | 'cropMode' | 'augment' | 'status'> {
  evaluated: boolean;
  cells: Record<string, ReportCell>;
  /** mean rank over each task's defined columns */
  taskRanks: Partial<Record<ReportTask, number>>;
  /** mean of the evaluation tasks' ranks */
  overallRank: number | null;
}

export interface BestSetup {
  task: ReportTask | 'overall';
  setup: string;
  runId: string;
  meanRank: number;
}

export interface ComparisonReport {
  sweep: { id: string; screen: string; profile: string; config: Record<string, unknown>; createdAt: string };
  generatedAt: string;
  cellLines: number;
  columns: MetricColumn[];
  rows: ReportRow[];
  best: BestSetup[];
  /** the setup the resource ratios are relative to */
  baseline: { runId: string; setup: string } | null;
}

export function buildComparisonReport(input: {
  sweep: ComparisonReport['sweep'];
  runs: readonly ComparedRun[];
  evaluations: readonly ComparedEvaluation[];
  resources: readonly RunResources[];
  baselineRunId: string | null;
  generatedAt?: Date;
}): ComparisonReport {
  const evaluationsByRun = new Map<string, ComparedEvaluation[]>();
  for (const row of input.evaluations) evaluationsByRun.set(row.runId, [...(evaluationsByRun.get(row.runId) ?? []), row]);
  const resourcesByRun = new Map(input.resources.map((row) => [row.runId, row]));
  let cellLines = 0;
  const raw = input.runs.map((run) => {
    const rows = evaluationsByRun.get(run.id) ?? [];
    const metrics = extractMetrics(rows);
    cellLines = Math.max(cellLines, metrics.cellLines);
    const resources = resourcesByRun.get(run.id);
    for (const figure of ['wallSeconds', 'timeToBestEpochSeconds', 'imagesPerSecond', 'peakRssBytes'] as const) {
      const value = resources?.[figure] ?? null;
      metrics.values[`resources.${figure}`] = value === null ? { value: null, spread: null, reason: 'no finished epoch' } : { value, spread: null };
    }
    return { run, values: metrics.values, evaluated: rows.length > 0 };
  });

  const ranks = new Map<string, Map<string, number>>();
  for (const column of METRIC_COLUMNS) ranks.set(column.key, rankColumn(raw.map((entry) => ({ id: entry.run.id, value: entry.values[column.key]?.value ?? null })), column.better));

  const rows: ReportRow[] = raw.map(({ run, values, evaluated }) => {
    const cells: Record<string, ReportCell> = {};
    for (const column of METRIC_COLUMNS) {
      const cell = values[column.key] ?? { value: null, spread: null, reason: evaluated ? 'not in the stored evaluation' : 'not evaluated yet' };
      cells[column.key] = { value: cell.value, spread: cell.spread, rank: ranks.get(column.key)!.get(run.id) ?? null, ...(cell.reason && cell.value === null ? { reason: cell.reason } : {}) };
    }
    const taskRanks: Partial<Record<ReportTask, number>> = {};
    for (const task of REPORT_TASKS) {
      const defined = METRIC_COLUMNS.filter((column) => column.task === task)
        .map((column) => cells[column.key].rank)
        .filter((rank): rank is number => rank !== null);
      const rank = mean(defined);
      if (rank !== null) taskRanks[task] = rank;
    }
    const scored = TASK_NAMES.map((task) => taskRanks[task]).filter((rank): rank is number => rank !== undefined);
    return {
      runId: run.id,
      setup: run.setup,
      paradigm: run.paradigm,
      cropMode: run.cropMode,
      augment: run.augment,
      status: run.status,
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
    if (winner) best.push({ task, setup: winner.setup, runId: winner.runId, meanRank: winnerRank });
  }
  const baseline = input.baselineRunId ? input.runs.find((run) => run.id === input.baselineRunId) : undefined;
  return {
    sweep: input.sweep,
    generatedAt: (input.generatedAt ?? new Date()).toISOString(),
    cellLines,
    columns: [...METRIC_COLUMNS],
    rows,
    best,
    baseline: baseline ? { runId: baseline.id, setup: baseline.setup } : null,
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

/** The report's figures from a run's stored rows over all cell lines, newest first: each task reads its own. */
function extractMetrics(rows: readonly ComparedEvaluation[]): { values: Record<string, ReportFigure>; cellLines: number } {
  const values: Record<string, ReportFigure> = {};
  let cellLines = 0;
  for (const task of EVALUATION_TASKS) {
    const stored = rows.filter((row) => row.task === task.name).map((row) => ({ parameters: row.parameters, aggregate: row.result }));
    if (stored.length === 0) continue;
    const figures = task.report.figures(stored);
    Object.assign(values, figures.values);
    cellLines = Math.max(cellLines, figures.cellLines);
  }
  return { values, cellLines };
}
