import { In, type DataSource } from 'typeorm';
import type { ResourceUsage } from '../../training/resource.meter';
import { announceChangedRuns } from '../change-notifications';
import { RunEpochEntity } from '../entities/run-epoch.entity';
import { RunEntity, type RunStatus } from '../entities/run.entity';
import { millisecondPrecision, paginate, type Page, type PageRequest } from '../keyset-pagination';

export interface RunFilter {
  sweepId?: string;
  screenId?: string;
  status?: RunStatus;
}

/** One finished epoch as training reports it. */
export interface EpochRecord extends ResourceUsage {
  epoch: number;
  trainLoss: number;
  validationLoss: number | null;
}

/** A trained run's totals, and why it stopped: kept in `runs.resources`. */
export interface RunTotals extends ResourceUsage {
  /** stopped before its maximum of epochs because validation loss stopped improving */
  stoppedEarly: boolean;
  /** the epoch whose weights embed the run */
  bestEpoch: number;
}

/** Where a running run is, for progress bars; written every few seconds, not every batch. */
export interface RunProgress {
  /** the queue job training it, and the process: who is training the run, for people and logs */
  jobId: string;
  worker: { host: string; pid: number };
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  fraction: number;
  updatedAt: string;
}

export class RunRepository {
  constructor(private readonly dataSource: DataSource) {}

  list(page: PageRequest, filter: RunFilter): Promise<Page<RunEntity>> {
    const query = this.withRelations();
    if (filter.sweepId) query.andWhere('run.sweep_id = :sweepId', { sweepId: filter.sweepId });
    if (filter.screenId) query.andWhere('run.screen_id = :screenId', { screenId: filter.screenId });
    if (filter.status) query.andWhere('run.status = :status', { status: filter.status });
    return paginate(query, [{ column: millisecondPrecision('run.created_at'), value: (r) => r.createdAt }, { column: 'run.id', value: (r) => r.id }], page);
  }

  byId(id: string): Promise<RunEntity | null> {
    return this.withRelations().where('run.id = :id', { id }).getOne();
  }

  /** A sweep's runs, oldest first (a sweep has one per setup: no paging). */
  bySweep(sweepId: string): Promise<RunEntity[]> {
    return this.withRelations().where('run.sweep_id = :sweepId', { sweepId }).orderBy('run.created_at').addOrderBy('run.id').getMany();
  }

  async status(id: string): Promise<RunStatus | undefined> {
    const rows: Array<{ status: RunStatus }> = await this.dataSource.query('SELECT status FROM runs WHERE id = $1', [id]);
    return rows[0]?.status;
  }

  epochs(runId: string): Promise<RunEpochEntity[]> {
    return this.dataSource.getRepository(RunEpochEntity).find({ where: { runId }, order: { epoch: 'ASC' } });
  }

  /** The finished epochs of several runs in one statement, each run's in order. */
  epochsOfRuns(runIds: readonly string[]): Promise<RunEpochEntity[]> {
    return this.dataSource.getRepository(RunEpochEntity).find({ where: { runId: In([...runIds]) }, order: { runId: 'ASC', epoch: 'ASC' } });
  }

  /**
   * Images per second of each run training now, or that finished training in the last five
   * minutes (so a scrape after its last epoch still sees its figure), from its latest epoch.
   */
  async trainingThroughput(): Promise<Array<{ runId: string; setup: string; imagesPerSecond: number }>> {
    const rows: Array<{ run_id: string; setup: string; images_per_second: number }> = await this.dataSource.query(
      `SELECT DISTINCT ON (run.id) run.id AS run_id, setup.name AS setup, epoch.images_per_second
         FROM runs run JOIN setups setup ON setup.id = run.setup_id JOIN run_epochs epoch ON epoch.run_id = run.id
        WHERE run.status = 'running' OR run.finished_at > now() - interval '5 minutes'
        ORDER BY run.id, epoch.epoch DESC`,
    );
    return rows.map((row) => ({ runId: row.run_id, setup: row.setup, imagesPerSecond: Number(row.images_per_second) }));
  }

  epoch(runId: string, epoch: number): Promise<RunEpochEntity | null> {
    return this.dataSource.getRepository(RunEpochEntity).findOne({ where: { runId, epoch } });
  }

  /**
   * Marks a run running unless it was cancelled or has finished; false when it must not train.
   * backend and device are null for a run that uses no tfjs backend (baseline/classical).
   */
  async start(id: string, backend: string | null, device: string | null): Promise<boolean> {
    const changed: unknown[] = await this.dataSource.query(
      `WITH changed AS (UPDATE runs SET status = 'running', backend = $2, device = $3, error = NULL, started_at = COALESCE(started_at, now())
        WHERE id = $1 AND status IN ('queued', 'running', 'failed') RETURNING id, sweep_id) ${announceChangedRuns('status')}`,
      [id, backend, device],
    );
    return changed.length > 0;
  }

  /** Records a finished epoch once: a resumed run that reports it again changes nothing. */
  async recordEpoch(runId: string, record: EpochRecord): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager
        .createQueryBuilder()
        .insert()
        .into(RunEpochEntity)
        .values({ runId, ...record })
        .orIgnore()
        .execute();
      // announced only when the run moves on: a resumed run reporting an epoch again is no news
      await manager.query(`WITH changed AS (UPDATE runs SET epochs_completed = $2 WHERE id = $1 AND epochs_completed < $2 RETURNING id, sweep_id) ${announceChangedRuns('epoch', '$2::int')}`, [
        runId,
        record.epoch,
      ]);
    });
  }

  async setProgress(id: string, progress: RunProgress): Promise<void> {
    await this.dataSource.query(`WITH changed AS (UPDATE runs SET progress = $2 WHERE id = $1 RETURNING id, sweep_id) ${announceChangedRuns('progress')}`, [id, JSON.stringify(progress)]);
  }

  async setCheckpoint(id: string, checkpointPath: string): Promise<void> {
    await this.dataSource.query('UPDATE runs SET checkpoint_path = $2 WHERE id = $1', [id, checkpointPath]);
  }

  /** 'onnx' or the tfjs backend that embedded the run last */
  /** What trains the run (onnx or wasm) and on what device; set when its training starts or resumes. */
  async setTrainingRuntime(id: string, runtime: string, device: string | null): Promise<void> {
    await this.dataSource.query('UPDATE runs SET training_runtime = $2, device = COALESCE($3, device) WHERE id = $1', [id, runtime, device]);
  }

  async setEmbeddingRuntime(id: string, runtime: string): Promise<void> {
    await this.dataSource.query('UPDATE runs SET embedding_runtime = $2 WHERE id = $1', [id, runtime]);
  }

  async succeed(id: string, resources: RunTotals): Promise<void> {
    await this.dataSource.query(
      `WITH changed AS (UPDATE runs SET status = 'succeeded', resources = $2, finished_at = now(), progress = jsonb_set(COALESCE(progress, '{}'), '{fraction}', '1')
        WHERE id = $1 AND status = 'running' RETURNING id, sweep_id) ${announceChangedRuns('status')}`,
      [id, JSON.stringify(resources)],
    );
  }

  async fail(id: string, error: string): Promise<void> {
    await this.dataSource.query(
      `WITH changed AS (UPDATE runs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 AND status IN ('queued', 'running') RETURNING id, sweep_id) ${announceChangedRuns('status')}`,
      [id, error],
    );
  }

  /** Cancels a run that has not finished; false when there was nothing to cancel. */
  async cancel(id: string): Promise<boolean> {
    const changed: unknown[] = await this.dataSource.query(
      `WITH changed AS (UPDATE runs SET status = 'cancelled', finished_at = now() WHERE id = $1 AND status IN ('queued', 'running') RETURNING id, sweep_id) ${announceChangedRuns('status')}`,
      [id],
    );
    return changed.length > 0;
  }

  private withRelations() {
    return this.dataSource.getRepository(RunEntity).createQueryBuilder('run').innerJoinAndSelect('run.setup', 'setup').innerJoinAndSelect('run.screen', 'screen');
  }
}
