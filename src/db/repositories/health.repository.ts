import type { DataSource } from 'typeorm';

/** Whether PostgreSQL answers, for /healthz. */
export class HealthRepository {
  constructor(private readonly dataSource: DataSource) {}

  async databaseReachable(): Promise<boolean> {
    return (await this.dataSource.query('SELECT 1')).length === 1;
  }
}
