import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';

/** Any fixed 64-bit key: every morphospace process migrating the same database takes the same lock. */
const MIGRATION_LOCK_KEY = 7_302_114_599;

/**
 * Applies pending migrations under a session advisory lock, so processes starting together
 * migrate once, one after the other, instead of racing on the same DDL.
 */
export async function runMigrations(dataSource: DataSource, logger: Logger): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      const names = applied.map((migration) => migration.name);
      if (names.length > 0) logger.info({ migrations: names }, 'migrations applied');
      return names;
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
