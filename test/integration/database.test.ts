import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource } from '../../src/db/data-source';
import { openDatabase, type Database } from '../../src/db/database';
import { MIGRATIONS } from '../../src/db/migration.list';
import { runMigrations } from '../../src/db/migration.runner';
import { createLogger } from '../../src/logger';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/test-database';

const logger = createLogger('silent');

describe('database and migrations', () => {
  let testDatabase: TestDatabase;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('migrations');
  });
  afterAll(async () => {
    await testDatabase.drop();
  });

  it('migrates once when several processes start together', async () => {
    const sources = [0, 1, 2].map(() => createDataSource(testDatabase.url));
    await Promise.all(sources.map((source) => source.initialize()));
    try {
      const applied = await Promise.all(sources.map((source) => runMigrations(source, logger)));
      expect(applied.flat()).toEqual(MIGRATIONS.map((migration) => migration.name));
      const rows = await sources[0].query('SELECT name FROM migrations');
      expect(rows).toHaveLength(MIGRATIONS.length);
    } finally {
      await Promise.all(sources.map((source) => source.destroy()));
    }
  });

  it('seeds the 16 setups of the reference study and the two baselines', async () => {
    const database = await openDatabase(testConfig(testDatabase.url), logger, { migrate: true });
    try {
      const rows: Array<{ paradigm: string; count: string }> = await database.dataSource.query(
        'SELECT paradigm, count(*) FROM setups GROUP BY paradigm ORDER BY paradigm',
      );
      expect(rows.map((row) => [row.paradigm, Number(row.count)])).toEqual([
        ['baseline', 2],
        ['regularized', 4],
        ['self-supervised', 4],
        ['unsupervised', 4],
        ['weakly-supervised', 4],
      ]);
    } finally {
      await database.close();
    }
  });

  it('has migrations that match the entities exactly', async () => {
    const database: Database = await openDatabase(testConfig(testDatabase.url), logger, { migrate: true });
    try {
      const pending = await database.dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((query) => query.query)).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it('lists every migration file', () => {
    const files = fs.readdirSync(path.join(__dirname, '..', '..', 'migrations')).filter((file) => file.endsWith('.ts'));
    expect(files).toHaveLength(MIGRATIONS.length);
  });

  it('undoes every migration cleanly', async () => {
    const scratch = await createTestDatabase('revert');
    const source = createDataSource(scratch.url);
    await source.initialize();
    try {
      await runMigrations(source, logger);
      for (let undone = 0; undone < MIGRATIONS.length; undone += 1) await source.undoLastMigration();
      const tables = await source.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'");
      expect(tables).toEqual([]);
    } finally {
      await source.destroy();
      await scratch.drop();
    }
  });
});
