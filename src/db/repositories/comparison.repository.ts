import type { DataSource } from 'typeorm';
import type { EpochRecord } from './run.repository';

/** One run as comparisons see it: its setup, status, backend and totals. */
export interface ComparedRun {
  id: string;
  sweepId: string | null;
  setup: string;
  paradigm: string;
  cropMode: string;
  augment: boolean;
  /** set on the rows every sweep runs beside the learned setups */
  baseline: 'untrained' | 'classical' | null;
  /** which of its sweep's replicates (0-based) */
  replicate: number;
  status: string;
  backend: string | null;
  device: string | null;
  epochsCompleted: number;
  resources: Record<string, unknown> | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** One finished epoch's loss and resources. */
export interface ComparedEpoch extends EpochRecord {
  runId: string;
}

/** A stored evaluation row over all cell lines (cell_line_id NULL). */
export interface ComparedEvaluation {
  runId: string;
  task: string;
  parameters: Record<string, unknown>;
  result: Record<string, unknown>;
  createdAt: Date;
}

/** Fields of a per-cell-line evaluation row, each read by an SQL/JSON path (every match, in order). */
export interface ComparedCellLine {
  runId: string;
  task: string;
  cellLine: string;
  parameters: Record<string, unknown>;
  fields: Record<string, unknown[]>;
}

/** Where each run of a sweep is along train -> embed -> evaluate. */
export interface RunStage {
  runId: string;
  setup: string;
  status: string;
  fraction: number;
  embedded: boolean;
  evaluatedTasks: string[];
}

/** Reads for comparisons, reports and the demo's progress: runs, epochs and evaluations together. */
export class ComparisonRepository {
  constructor(private readonly dataSource: DataSource) {}

  async runsOfSweep(sweepId: string): Promise<ComparedRun[]> {
    return this.runsWhere('r.sweep_id = $1', [sweepId]);
  }

  async runsByIds(ids: readonly string[]): Promise<ComparedRun[]> {
    if (ids.length === 0) return [];
    return this.runsWhere('r.id = ANY($1::uuid[])', [ids]);
  }

  async epochsOf(runIds: readonly string[]): Promise<ComparedEpoch[]> {
    if (runIds.length === 0) return [];
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT run_id, epoch, train_loss, validation_loss, wall_seconds, cpu_seconds, peak_rss_bytes, peak_tensor_bytes, gpu_memory_bytes, images_seen, images_per_second
         FROM run_epochs WHERE run_id = ANY($1::uuid[]) ORDER BY run_id, epoch`,
      [runIds],
    );
    return rows.map((row) => ({
      runId: String(row.run_id),
      epoch: Number(row.epoch),
      trainLoss: Number(row.train_loss),
      validationLoss: row.validation_loss === null ? null : Number(row.validation_loss),
      wallSeconds: Number(row.wall_seconds),
      cpuSeconds: Number(row.cpu_seconds),
      peakRssBytes: Number(row.peak_rss_bytes),
      peakTensorBytes: Number(row.peak_tensor_bytes),
      gpuMemoryBytes: row.gpu_memory_bytes === null ? null : Number(row.gpu_memory_bytes),
      imagesSeen: Number(row.images_seen),
      imagesPerSecond: Number(row.images_per_second),
    }));
  }

  /**
   * The rows over all cell lines (cell_line_id NULL) of every task and parameter set: they
   * carry the median and spread over cell lines that comparisons need, without the per-cell-line
   * payloads (clustering coordinates and labels).
   */
  async aggregateEvaluationsOf(runIds: readonly string[]): Promise<ComparedEvaluation[]> {
    if (runIds.length === 0) return [];
    const rows: Array<{ run_id: string; task: string; parameters: Record<string, unknown>; result: Record<string, unknown>; created_at: Date }> = await this.dataSource.query(
      `SELECT run_id, task, parameters, result, created_at FROM evaluations
        WHERE run_id = ANY($1::uuid[]) AND cell_line_id IS NULL ORDER BY run_id, task, created_at DESC, id DESC`,
      [runIds],
    );
    return rows.map((row) => ({ runId: row.run_id, task: row.task, parameters: row.parameters, result: row.result, createdAt: row.created_at }));
  }

  /**
   * A task's per-cell-line rows reduced to the fields named, each an SQL/JSON path into the
   * result: the comparison's paired tests need a few numbers per cell line, not the rows'
   * per-image payloads (clustering coordinates and labels).
   */
  async cellLineFieldsOf(runIds: readonly string[], task: string, paths: Readonly<Record<string, string>>): Promise<ComparedCellLine[]> {
    const names = Object.keys(paths);
    if (runIds.length === 0 || names.length === 0) return [];
    const selected = names.map((name, index) => `jsonb_path_query_array(e.result, $${index + 3}::jsonpath) AS f${index}`).join(', ');
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT e.run_id, cl.name AS cell_line, e.parameters, ${selected}
         FROM evaluations e JOIN cell_lines cl ON cl.id = e.cell_line_id
        WHERE e.run_id = ANY($1::uuid[]) AND e.task = $2 ORDER BY e.run_id, cl.name`,
      [runIds, task, ...names.map((name) => paths[name])],
    );
    return rows.map((row) => ({
      runId: String(row.run_id),
      task,
      cellLine: String(row.cell_line),
      parameters: row.parameters as Record<string, unknown>,
      fields: Object.fromEntries(names.map((name, index) => [name, row[`f${index}`] as unknown[]])),
    }));
  }

  async stagesOfSweep(sweepId: string): Promise<RunStage[]> {
    const rows: Array<{ id: string; setup: string; status: string; fraction: string | null; embedded: boolean; tasks: string[] | null }> = await this.dataSource.query(
      `SELECT r.id, s.name AS setup, r.status, r.progress->>'fraction' AS fraction,
              COALESCE(es.status = 'complete', false) AS embedded,
              (SELECT array_agg(DISTINCT e.task) FROM evaluations e WHERE e.run_id = r.id) AS tasks
         FROM runs r JOIN setups s ON s.id = r.setup_id LEFT JOIN embedding_sets es ON es.run_id = r.id
        WHERE r.sweep_id = $1 ORDER BY s.id`,
      [sweepId],
    );
    return rows.map((row) => ({ runId: row.id, setup: row.setup, status: row.status, fraction: row.fraction === null ? 0 : Number(row.fraction), embedded: row.embedded, evaluatedTasks: row.tasks ?? [] }));
  }

  /** The newest sweep (on a screen, when given), if any. */
  async latestSweep(screenId?: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      'SELECT id FROM sweeps WHERE $1::uuid IS NULL OR screen_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1',
      [screenId ?? null],
    );
    return rows[0]?.id ?? null;
  }

  private async runsWhere(where: string, parameters: unknown[]): Promise<ComparedRun[]> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT r.id, r.sweep_id, s.name AS setup, s.paradigm, s.crop_mode, s.augment, s.baseline, r.replicate, r.status, r.backend, r.device, r.epochs_completed, r.resources, r.started_at, r.finished_at
         FROM runs r JOIN setups s ON s.id = r.setup_id WHERE ${where} ORDER BY s.id, r.replicate, r.created_at`,
      parameters,
    );
    return rows.map((row) => ({
      id: String(row.id),
      sweepId: (row.sweep_id as string | null) ?? null,
      setup: String(row.setup),
      paradigm: String(row.paradigm),
      cropMode: String(row.crop_mode),
      augment: Boolean(row.augment),
      baseline: (row.baseline as ComparedRun['baseline']) ?? null,
      replicate: Number(row.replicate),
      status: String(row.status),
      backend: (row.backend as string | null) ?? null,
      device: (row.device as string | null) ?? null,
      epochsCompleted: Number(row.epochs_completed),
      resources: (row.resources as Record<string, unknown> | null) ?? null,
      startedAt: (row.started_at as Date | null) ?? null,
      finishedAt: (row.finished_at as Date | null) ?? null,
    }));
  }
}
