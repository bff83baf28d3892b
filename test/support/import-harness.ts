import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../../src/db/database';
import { createLogger } from '../../src/logger';
import { createServices, type Services } from '../../src/services';
import { createTestDatabase, testConfig, type TestDatabase } from './test-database';

/** The tables an import writes to. */
export type ImportTable = 'screens' | 'images' | 'cell_lines' | 'compounds';

const IMPORT_TABLES: readonly ImportTable[] = ['screens', 'images', 'cell_lines', 'compounds'];

export interface ImportHarness {
  testDatabase: TestDatabase;
  database: Database;
  services: Services;
  /** a scratch directory: the fixtures are written below it, the data dir is its data/ */
  work: string;
  /** the row count of each table named (all four by default): what an import that writes nothing leaves as it was */
  counts(tables?: readonly ImportTable[]): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/**
 * The import tests' set-up: a fresh migrated database for one test file, a scratch directory
 * that is the only import root (the service's own calls reach no further than the API's: the
 * fixtures live below it), and the services on both. `label` names the database (letters,
 * digits and _) and the directory.
 */
export async function openImportHarness(label: string): Promise<ImportHarness> {
  const testDatabase = await createTestDatabase(label);
  let work: string | undefined;
  let database: Database | undefined;
  const close = async () => {
    await database?.close();
    await testDatabase.drop();
    if (work) await rm(work, { recursive: true, force: true });
  };
  try {
    work = await mkdtemp(path.join(os.tmpdir(), `morphospace-${label.replaceAll('_', '-')}-`));
    const config = testConfig(testDatabase.url, { MORPHOSPACE_DATA_DIR: path.join(work, 'data'), MORPHOSPACE_IMPORT_ROOTS: work });
    database = await openDatabase(config, createLogger('silent'), { migrate: true });
    const opened = database;
    return {
      testDatabase,
      database,
      services: createServices(config, database),
      work,
      async counts(tables = IMPORT_TABLES) {
        const [row] = await opened.dataSource.query(`SELECT ${tables.map((table) => `(SELECT count(*) FROM ${table})::int AS ${table}`).join(', ')}`);
        return row;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
