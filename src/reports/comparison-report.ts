import type { ComparedEvaluation, ComparedRun } from '../db/repositories/comparison.repository';
import type { RunResources } from './resource-comparison';

/**
 * The reference study's comparison table for a sweep: one row per setup, one column per metric
 * of the three tasks, mAP and resources; each cell the median over cell lines with its MAD
 * (the spread across cell lines) and the setup's rank in that column; per task the best setup
 * (lowest mean rank over the task's columns).
 *
 * It reads only the stored rows over all cell lines (see evaluation-results.ts): similarity of
 * the known pair, classification, clustering at the sweep point with the best median
 * silhouette, and activity and consistency mAP.
 */
export const REPORT_TASKS = ['similarity', 'classification', 'clustering', 'map', 'resources'] as const;
export type ReportTask = (typeof REPORT_TASKS)[number];

export interface MetricColumn {
  key: string;
  task: ReportTask;
  label: string;
  /** which way is better */
  better: 'higher' | 'lower';
  unit?: 'seconds' | 'bytes' | 'images/s';
}

export const METRIC_COLUMNS: readonly MetricColumn[] = [
  { key: 'similarity.cosine.d', task: 'similarity', label: 'd (cosine)', better: 'higher' },
  { key: 'similarity.euclidean.d', task: 'similarity', label: 'd (euclidean)', better: 'higher' },
  { key: 'similarity.cosine.inverse', task: 'similarity', label: 'D⁻¹ (cosine)', better: 'higher' },
  { key: 'classification.accuracy', task: 'classification', label: 'accuracy', better: 'higher' },
  { key: 'classification.f1', task: 'classification', label: 'F1', better: 'higher' },
  { key: 'classification.rocAuc', task: 'classification', label: 'ROC-AUC', better: 'higher' },
  { key: 'clustering.silhouette', task: 'clustering', label: 'silhouette', better: 'higher' },
  { key: 'clustering.daviesBouldin', task: 'clustering', label: 'Davies-Bouldin', better: 'lower' },
  { key: 'clustering.consistency', task: 'clustering', label: 'drug consistency', better: 'higher' },
  { key: 'map.activity', task: 'map', label: 'mAP activity', better: 'higher' },
  { key: 'map.consistency', task: 'map', label: 'mAP consistency', better: 'higher' },
  { key: 'map.activity.significant', task: 'map', label: 'active (share)', better: 'higher' },
  { key: 'resources.wallSeconds', task: 'resources', label: 'wall time', better: 'lower', unit: 'seconds' },
  { key: 'resources.timeToBestEpochSeconds', task: 'resources', label: 'time to best epoch', better: 'lower', unit: 'seconds' },
  { key: 'resources.imagesPerSecond', task: 'resources', label: 'images/s', better: 'higher', unit: 'images/s' },
  { key: 'resources.peakRssBytes', task: 'resources', label: 'peak RSS', better: 'lower', unit: 'bytes' },
];

export interface ReportCell {
  /** median over cell lines (resources: the run's own figure); null with a reason when undefined */
  value: number | null;
  /** median absolute deviation over cell lines, where the metric is per cell line */
  spread: number | null;
  /** 1 = best in the column; null when the value is undefined */
  rank: number | null;
  reason?: string;
}

export interface ReportRow {
  runId: string;
  setup: string;
  paradigm: string;
  cropMode: string;
  augment: boolean;
  status: string;
  evaluated: boolean;
  cells: Record<string, ReportCell>;
  /** mean rank over each task's defined columns */
  taskRanks: Partial<Record<ReportTask, number>>;
  /** mean of the task ranks of the three tasks and mAP */
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

type Json = Record<string, unknown>;
interface Raw {
  value: number | null;
  spread: number | null;
  reason?: string;
}

const SIMILARITY_PAIR = ['Methotrexate', 'Pemetrexed'];

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
      if (defined.length > 0) taskRanks[task] = mean(defined);
    }
    const scored = (['similarity', 'classification', 'clustering', 'map'] as const).map((task) => taskRanks[task]).filter((rank): rank is number => rank !== undefined);
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
      overallRank: scored.length > 0 ? mean(scored) : null,
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

/** The report's figures from a run's stored rows over all cell lines. */
function extractMetrics(rows: readonly ComparedEvaluation[]): { values: Record<string, Raw>; cellLines: number } {
  const values: Record<string, Raw> = {};
  let cellLines = 0;
  const newest = (task: string, match: (parameters: Json) => boolean) => rows.find((row) => row.task === task && match(row.parameters));

  const similarity =
    newest('similarity', (p) => p.moa === null && sameSet(p.compounds, SIMILARITY_PAIR)) ?? newest('similarity', (p) => p.moa === null || p.moa === undefined);
  if (similarity) {
    const aggregate = similarity.result.aggregate as Record<string, Json> | undefined;
    for (const metric of ['cosine', 'euclidean'] as const) {
      values[`similarity.${metric}.d`] = medianMad(aggregate?.[metric]?.relativeDistance);
      if (metric === 'cosine') values['similarity.cosine.inverse'] = medianMad(aggregate?.[metric]?.inverseDistance);
    }
    cellLines = Math.max(cellLines, arrayLength(similarity.result.cellLines));
  }

  const classification = newest('classification', () => true);
  if (classification) {
    const metrics = classification.result.metrics as Record<string, unknown> | undefined;
    for (const name of ['accuracy', 'f1', 'rocAuc'] as const) values[`classification.${name}`] = medianMad(metrics?.[name]);
    cellLines = Math.max(cellLines, arrayLength(classification.result.cellLines));
  }

  const clustering = newest('clustering', () => true);
  if (clustering) {
    const sweep = (clustering.result.sweep as Json[] | undefined) ?? [];
    let chosen: Json | undefined;
    for (const point of sweep) {
      const silhouette = medianMad(point.silhouette).value;
      if (silhouette !== null && (chosen === undefined || silhouette > (medianMad(chosen.silhouette).value ?? -Infinity))) chosen = point;
    }
    chosen ??= sweep[0];
    if (chosen) {
      values['clustering.silhouette'] = medianMad(chosen.silhouette);
      values['clustering.daviesBouldin'] = medianMad(chosen.daviesBouldin);
      values['clustering.consistency'] = medianMad(chosen.consistency);
    }
    cellLines = Math.max(cellLines, arrayLength(clustering.result.cellLines));
  }

  for (const kind of ['activity', 'consistency'] as const) {
    const map = newest('map', (p) => p.kind === kind);
    if (!map) continue;
    const perLine = ((map.result.cellLines as Json[] | undefined) ?? []).map((line) => measuredValue(line.meanAveragePrecision)).filter((value): value is number => value !== null);
    const overall = measuredValue(map.result.meanAveragePrecision);
    values[`map.${kind}`] = { value: overall, spread: perLine.length > 0 ? mad(perLine) : null, ...(overall === null ? { reason: reasonOf(map.result.meanAveragePrecision) } : {}) };
    if (kind === 'activity') {
      const significant = measuredValue(map.result.fractionSignificant);
      values['map.activity.significant'] = { value: significant, spread: null, ...(significant === null ? { reason: reasonOf(map.result.fractionSignificant) } : {}) };
    }
  }
  return { values, cellLines };
}

function medianMad(entry: unknown): Raw {
  if (!entry || typeof entry !== 'object') return { value: null, spread: null, reason: 'not stored' };
  const { median, mad: spread } = entry as { median?: unknown; mad?: unknown };
  const value = measuredValue(median);
  return { value, spread: measuredValue(spread), ...(value === null ? { reason: reasonOf(median) } : {}) };
}

function measuredValue(entry: unknown): number | null {
  if (typeof entry === 'number') return Number.isFinite(entry) ? entry : null;
  if (!entry || typeof entry !== 'object') return null;
  const value = (entry as { value?: unknown }).value;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function reasonOf(entry: unknown): string {
  return entry && typeof entry === 'object' && typeof (entry as { reason?: unknown }).reason === 'string' ? (entry as { reason: string }).reason : 'undefined';
}

function sameSet(value: unknown, expected: readonly string[]): boolean {
  return Array.isArray(value) && value.length === expected.length && expected.every((name) => value.includes(name));
}

function arrayLength(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function mad(values: readonly number[]): number {
  const center = median(values);
  return median(values.map((value) => Math.abs(value - center)));
}
