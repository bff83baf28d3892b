import type { DataSource } from 'typeorm';

export type PipelineStep = 'train' | 'embed' | 'evaluate';

/** A run whose data says its next step is not done. */
export interface PendingStep {
  runId: string;
  step: PipelineStep;
}

/** Arbitrary, fixed: the advisory lock that makes pipeline passes of all processes take turns. */
const PIPELINE_LOCK_KEY = 7_364_129_001;

/** Reads for the pipeline: where each run stands along train -> embed -> evaluate. */
export class PipelineRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Each run not at the end of its pipeline, with its next step: train while queued or running,
   * embed once succeeded without a complete embedding set, evaluate while a required task has
   * no stored result. Failed and cancelled runs have no next step.
   */
  async pendingSteps(requiredTasks: readonly string[], runId?: string): Promise<PendingStep[]> {
    const rows: Array<{ id: string; step: PipelineStep }> = await this.dataSource.query(
      `SELECT r.id,
              CASE WHEN r.status IN ('queued', 'running') THEN 'train'
                   WHEN es.status IS DISTINCT FROM 'complete' THEN 'embed'
                   ELSE 'evaluate' END AS step
         FROM runs r LEFT JOIN embedding_sets es ON es.run_id = r.id
        WHERE ($2::uuid IS NULL OR r.id = $2)
          AND (r.status IN ('queued', 'running')
               OR (r.status = 'succeeded' AND (es.status IS DISTINCT FROM 'complete'
                   OR NOT (SELECT COALESCE(array_agg(DISTINCT e.task), '{}') FROM evaluations e WHERE e.run_id = r.id) @> $1::text[])))
        ORDER BY r.created_at, r.id`,
      [requiredTasks, runId ?? null],
    );
    return rows.map((row) => ({ runId: row.id, step: row.step }));
  }

  /**
   * Runs `action` while holding the pipeline's advisory lock: two processes checking the queue
   * and sending at once could each see a step missing and both queue it.
   */
  async exclusively<T>(action: () => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [PIPELINE_LOCK_KEY]);
      try {
        return await action();
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [PIPELINE_LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  }
}
