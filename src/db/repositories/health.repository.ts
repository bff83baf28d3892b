import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/** The connections of this process's PostgreSQL pool. */
export interface PoolUsage {
  max: number;
  total: number;
  idle: number;
  /** requests waiting for a connection */
  waiting: number;
}

/** Whether PostgreSQL answers, for /healthz, and how busy this process's pool is, for /metrics. */
export class HealthRepository {
  constructor(private readonly dataSource: DataSource) {}

  async databaseReachable(): Promise<boolean> {
    return (await this.dataSource.query('SELECT 1')).length === 1;
  }

  poolUsage(): PoolUsage {
    // TypeORM's postgres driver keeps its pg Pool as `master`
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    return { max: pool.options.max ?? 10, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
  }
}
