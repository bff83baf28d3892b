import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { createDataSource } from './data-source';
import { EmbeddedPostgresServer } from './embedded-postgres.server';
import { EmbeddedPostgresSupervisor } from './embedded-postgres.supervisor';
import { runMigrations } from './migration.runner';

/** The database a process works on: the external one from DATABASE_URL, or the embedded server. */
export interface Database {
  url: string;
  dataSource: DataSource;
  embedded: boolean;
  close(): Promise<void>;
}

export async function openDatabase(config: Config, logger: Logger, options: { migrate: boolean }): Promise<Database> {
  const server = config.databaseUrl === undefined ? new EmbeddedPostgresServer(config.dataDir, logger) : undefined;
  const url = config.databaseUrl ?? (await server!.start());
  const supervisor = server && new EmbeddedPostgresSupervisor(server, logger);
  supervisor?.start();
  const dataSource = createDataSource(url);
  try {
    await dataSource.initialize();
    if (options.migrate) await runMigrations(dataSource, logger);
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await supervisor?.stop();
    await server?.stop();
    throw error;
  }
  return {
    url,
    dataSource,
    embedded: server !== undefined,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      // before the stop: a stopped server is not a dead one
      await supervisor?.stop();
      await server?.stop();
    },
  };
}
