import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database';
import { EmbeddingRepository } from '../../src/db/repositories/embedding.repository';
import { RunRepository, type EpochRecord } from '../../src/db/repositories/run.repository';
import { createLogger } from '../../src/logger';
import { JobInterruptedError } from '../../src/queue/job-interrupted.error';
import { createServices, type Services } from '../../src/services';
import { CheckpointStore } from '../../src/training/checkpoint.store';
import type { TrainingConfig } from '../../src/training/training-profiles';
import { RecordingQueue } from '../support/recording-queue';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/test-database';

const logger = createLogger('silent');
const never = () => new AbortController().signal;

/**
 * A minDelta no validation loss can drop by makes every epoch after the first "no better":
 * the run must stop after 1 + patience epochs, whatever the weights learn.
 */
const STOPS_AFTER_EPOCH_3: Partial<TrainingConfig> = { epochs: 6, patience: 2, minDelta: 1000, batchSize: 8, imagesPerEpoch: 16, cropsPerEpoch: 0, validationImages: 16, embedTileSize: 0 };

/** each test takes seconds alone; the timeout leaves room for a machine shared with other jobs */
const SLOW_ON_A_SHARED_MACHINE_MS = 180_000;

describe('early stopping on the tiny screen', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let services: Services;
  let checkpoints: CheckpointStore;
  let dataDir: string;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('early_stopping');
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-early-stopping-'));
    const config = testConfig(testDatabase.url, { MORPHOSPACE_DATA_DIR: dataDir, MORPHOSPACE_BACKEND: 'wasm', MORPHOSPACE_THREADS: '1', MORPHOSPACE_INFERENCE: 'wasm' });
    database = await openDatabase(config, logger, { migrate: true });
    services = createServices(config, database, new RecordingQueue());
    checkpoints = new CheckpointStore(dataDir);
    await services.screens.generateAndRegister({ preset: 'tiny', seed: 7, name: 'tiny' });
  });
  afterAll(async () => {
    await database.close();
    await testDatabase.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  const createRun = async () => {
    const { runs } = await services.sweeps.create({ screen: 'tiny', setups: ['weakly-supervised/one-crop'], profile: 'standard', overrides: STOPS_AFTER_EPOCH_3 });
    return runs[0].id;
  };

  it('stops when validation loss stops improving, records why, and embeds with the best epoch', async () => {
    const runId = await createRun();
    expect(await services.training.train(runId, { jobId: 'stop', signal: never(), logger })).toBe('succeeded');
    const run = await services.runs.byId(runId);
    expect(run).toMatchObject({ status: 'succeeded', epochsCompleted: 3 });
    expect(run.resources).toMatchObject({ stoppedEarly: true, bestEpoch: 1 });
    expect((await services.runs.epochs(runId)).map((row) => row.epoch)).toEqual([1, 2, 3]);
    expect((await checkpoints.load(runId))?.epoch).toBe(3);
    expect((await checkpoints.load(runId, 'best'))?.epoch).toBe(1);

    expect(await services.embeddings.embedRun(runId, { signal: never(), logger })).toMatchObject({ status: 'succeeded', images: 144 });
    expect((await new EmbeddingRepository(database.dataSource).set(runId))?.settings).toMatchObject({ epoch: 1 });
  }, SLOW_ON_A_SHARED_MACHINE_MS);

  it('resumed after a kill mid-run, repeats no epoch and ends with the same best epoch and weights', async () => {
    const uninterruptedId = await createRun();
    expect(await services.training.train(uninterruptedId, { jobId: 'whole', signal: never(), logger })).toBe('succeeded');

    const resumedId = await createRun();
    const interrupt = new AbortController();
    // killed as soon as its second epoch is recorded: a poll of the run raced epochs of a few milliseconds
    const recordEpoch = RunRepository.prototype.recordEpoch;
    const killAfterEpoch2 = vi.spyOn(RunRepository.prototype, 'recordEpoch').mockImplementation(async function (this: RunRepository, runId: string, record: EpochRecord) {
      await recordEpoch.call(this, runId, record);
      if (runId === resumedId && record.epoch === 2) interrupt.abort();
    });
    try {
      await expect(services.training.train(resumedId, { jobId: 'first', signal: interrupt.signal, logger })).rejects.toBeInstanceOf(JobInterruptedError);
    } finally {
      killAfterEpoch2.mockRestore();
    }
    expect((await services.runs.byId(resumedId)).epochsCompleted).toBe(2);
    expect(await services.training.train(resumedId, { jobId: 'second', signal: never(), logger })).toBe('succeeded');

    const [uninterrupted, resumed] = await Promise.all([services.runs.byId(uninterruptedId), services.runs.byId(resumedId)]);
    expect(resumed).toMatchObject({ status: 'succeeded', epochsCompleted: 3 });
    expect((await services.runs.epochs(resumedId)).map((row) => row.epoch)).toEqual([1, 2, 3]);
    expect(resumed.resources).toMatchObject({ stoppedEarly: true, bestEpoch: uninterrupted.resources!.bestEpoch });
    for (const choice of ['best', 'latest'] as const) {
      const [a, b] = await Promise.all([checkpoints.load(uninterruptedId, choice), checkpoints.load(resumedId, choice)]);
      expect(b!.epoch).toBe(a!.epoch);
      expect(b!.paradigm.weights).toEqual(a!.paradigm.weights);
    }

    // killed after the epoch that stopped it, before the run was marked done: nothing more trains
    await database.dataSource.query(`UPDATE runs SET status = 'running' WHERE id = $1`, [uninterruptedId]);
    expect(await services.training.train(uninterruptedId, { jobId: 'again', signal: never(), logger })).toBe('succeeded');
    expect((await services.runs.epochs(uninterruptedId)).map((row) => row.epoch)).toEqual([1, 2, 3]);
    expect((await services.runs.byId(uninterruptedId)).resources).toMatchObject({ stoppedEarly: true, bestEpoch: 1 });
  }, SLOW_ON_A_SHARED_MACHINE_MS);
});
