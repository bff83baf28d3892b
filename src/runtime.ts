import type { Logger } from 'pino';
import type { Config } from './config';
import { openDatabase, type Database } from './db/database';
import { createLogger } from './logger';
import { JobQueue } from './queue/job.queue';
import { JOB_OPTIONS, type JobPayloads } from './queue/jobs';
import { createServices, type Services } from './services';

/** One process's connections: config parsed once, database migrated, services wired, queue started. */
export interface Runtime {
  config: Config;
  logger: Logger;
  database: Database;
  services: Services;
  queue: JobQueue<JobPayloads>;
  close(): Promise<void>;
}

export async function openRuntime(config: Config): Promise<Runtime> {
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config, logger, { migrate: true });
  const queue = new JobQueue<JobPayloads>(database.url, JOB_OPTIONS, logger);
  try {
    await queue.start();
  } catch (error) {
    await database.close();
    throw error;
  }
  const services = createServices(config, database, queue);
  return {
    config,
    logger,
    database,
    services,
    queue,
    async close() {
      await queue.stop();
      await database.close();
    },
  };
}

/**
 * Resolves on the first SIGINT or SIGTERM once `stop` has finished: running jobs end or go
 * back to the queue, the embedded database stops cleanly. A second signal exits at once.
 */
export function stopOnSignal(logger: Logger, stop: () => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      process.once('SIGINT', () => process.exit(1));
      process.once('SIGTERM', () => process.exit(1));
      logger.info({ signal }, 'shutting down');
      stop().then(resolve, reject);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}
