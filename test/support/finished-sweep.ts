import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../../src/db/database';
import { createLogger } from '../../src/logger';
import { createServices, type ServiceJobSender } from '../../src/services';
import { createTestDatabase, testConfig, type TestDatabase } from './test-database';

/** The setups of the small finished sweep the e2e files share: one per paradigm kind that differs in cost. */
export const FIXTURE_SETUPS = ['weakly-supervised/one-crop', 'self-supervised/one-crop', 'unsupervised/one-crop'];

export interface FinishedSweep {
  database: TestDatabase;
  dataDir: string;
  sweepId: string;
  runIds: string[];
  /** environment for a server process on this database and data dir */
  env: Record<string, string>;
  drop(): Promise<void>;
}

/**
 * A small finished sweep, built the way the workers build one: the tiny screen (144 images,
 * 3 cell lines), 3 setups trained 2 epochs on a few images, embedded, evaluated with the
 * default parameters (what the API's queries look up).
 */
export async function buildFinishedSweep(label: string): Promise<FinishedSweep> {
  const testDatabase = await createTestDatabase(label);
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), `morphospace-${label}-`));
  const env = { MORPHOSPACE_DATA_DIR: dataDir, MORPHOSPACE_BACKEND: 'wasm', MORPHOSPACE_THREADS: '1' };
  const config = testConfig(testDatabase.url, env);
  const logger = createLogger('silent');
  const database: Database = await openDatabase(config, logger, { migrate: true });
  try {
    // follow-up jobs are run here in order, not queued
    const queue: ServiceJobSender = { send: async () => null, unfinishedJobs: async () => [] };
    const services = createServices(config, database, queue);
    const signal = new AbortController().signal;
    await services.screens.generateAndRegister({ preset: 'tiny', seed: 7, name: 'tiny' });
    const { sweep, runs } = await services.sweeps.create({
      screen: 'tiny',
      setups: FIXTURE_SETUPS,
      profile: 'quick',
      overrides: { epochs: 2, batchSize: 16, imagesPerEpoch: 32, learningRate: 1e-3 },
    });
    for (const run of runs) {
      if ((await services.training.train(run.id, { jobId: `train-${run.id}`, signal, logger })) !== 'succeeded') throw new Error(`fixture run ${run.id} did not train`);
      const embedded = await services.embeddings.embedRun(run.id, { signal, logger });
      if (embedded.status !== 'succeeded') throw new Error(`fixture run ${run.id} did not embed`);
      const evaluated = await services.evaluations.evaluateRun(run.id, {}, { signal, logger });
      if (evaluated.status !== 'succeeded') throw new Error(`fixture run ${run.id} was not evaluated: ${evaluated.reason}`);
    }
    return {
      database: testDatabase,
      dataDir,
      sweepId: sweep.id,
      runIds: runs.map((run) => run.id),
      env: { ...env, DATABASE_URL: testDatabase.url },
      async drop() {
        await testDatabase.drop();
        await fs.rm(dataDir, { recursive: true, force: true });
      },
    };
  } finally {
    await database.close();
  }
}
