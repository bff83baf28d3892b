import { inject } from 'vitest';
import { loadConfig, type Config } from '../../src/config';
import { createScratchDatabase, type ScratchDatabase } from '../../src/db/repositories/scratch-database.repository';

export type TestDatabase = ScratchDatabase;

/** A fresh, empty database on the test server, for one test file (label letters, digits and _). */
export function createTestDatabase(label: string): Promise<TestDatabase> {
  return createScratchDatabase(inject('adminDatabaseUrl'), `test_${label}`);
}

/** A config that points at a test database, with quiet logs. */
export function testConfig(databaseUrl: string, env: Record<string, string> = {}): Config {
  return loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', MORPHOSPACE_DATA_DIR: '/tmp/morphospace-test-data', ...env });
}
