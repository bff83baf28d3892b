import type { DataSource } from 'typeorm';

/** A worker process as its heartbeat row names it. */
export interface WorkerIdentity {
  id: string;
  host: string;
  pid: number;
}

/** A worker row: who, whether it is silent past the limit, what it holds. */
export interface WorkerState extends WorkerIdentity {
  stale: boolean;
  jobs: HeldJob[];
}

/** A queue job a worker holds. */
export interface HeldJob {
  name: string;
  id: string;
}

/**
 * Worker heartbeats: one row per worker process with the jobs it holds. Staleness is judged on
 * the database's clock, so workers on machines with skewed clocks agree on who is dead.
 */
export class WorkerRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Writes the worker's heartbeat and the jobs it holds now. */
  async beat(worker: WorkerIdentity, jobs: readonly HeldJob[]): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO workers (id, host, pid, jobs) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET heartbeat_at = now(), jobs = $4`,
      [worker.id, worker.host, worker.pid, JSON.stringify(jobs)],
    );
  }

  async remove(workerId: string): Promise<void> {
    await this.dataSource.query('DELETE FROM workers WHERE id = $1', [workerId]);
  }

  /** Every worker row, each marked stale when it has not beat within `staleAfterSeconds`. */
  async all(staleAfterSeconds: number): Promise<WorkerState[]> {
    const rows: Array<{ id: string; host: string; pid: number; stale: boolean; jobs: HeldJob[] }> = await this.dataSource.query(
      `SELECT id, host, pid, heartbeat_at < now() - make_interval(secs => $1) AS stale, jobs FROM workers ORDER BY started_at, id`,
      [staleAfterSeconds],
    );
    return rows.map((row) => ({ id: row.id, host: row.host, pid: row.pid, stale: row.stale, jobs: row.jobs }));
  }
}
