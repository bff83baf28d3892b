import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../src/db/change-notifications';
import { PostgresChangeListener } from '../../src/db/change.listener';
import { openDatabase, type Database } from '../../src/db/database';
import { EvaluationRepository } from '../../src/db/repositories/evaluation.repository';
import { RunRepository, type EpochRecord } from '../../src/db/repositories/run.repository';
import { createLogger } from '../../src/logger';
import { createServices, type Services } from '../../src/services';
import { RecordingQueue } from '../support/recording-queue';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/test-database';

const logger = createLogger('silent');

function epochRecord(epoch: number): EpochRecord {
  return { epoch, trainLoss: 1 / epoch, validationLoss: null, wallSeconds: 1, cpuSeconds: 1, peakRssBytes: 1, peakTensorBytes: 1, gpuMemoryBytes: null, imagesSeen: 32, imagesPerSecond: 32 };
}

/**
 * Reads updates the way graphql-ws does: always asking for the next one, so the stream takes
 * each change as it arrives. Fails instead of hanging when nothing comes.
 */
function reader<T>(iterable: AsyncIterable<T>) {
  const iterator = iterable[Symbol.asyncIterator]();
  let pending = iterator.next();
  return {
    async next(): Promise<T> {
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no update within 10 s')), 10_000));
      const result = await Promise.race([pending, timeout]);
      if (result.done) throw new Error('the updates ended');
      pending = iterator.next();
      return result.value;
    },
    close: () => iterator.return?.(),
  };
}

/** Repositories announce changes with NOTIFY; the listener feeds the live-update service, and survives its connection dying. */
describe('live updates from LISTEN/NOTIFY', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let services: Services;
  let runs: RunRepository;
  let listener: PostgresChangeListener;
  let dataDir: string;
  let sweepId: string;
  let runIds: string[];

  beforeAll(async () => {
    testDatabase = await createTestDatabase('live_updates');
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-live-'));
    const config = testConfig(testDatabase.url, { MORPHOSPACE_DATA_DIR: dataDir });
    database = await openDatabase(config, logger, { migrate: true });
    services = createServices(config, database, new RecordingQueue());
    runs = new RunRepository(database.dataSource);
    // what the listener hears, as well as handing it on
    const heard: ChangeEvent[] = [];
    listener = new PostgresChangeListener(database.url, { change: (event) => (heard.push(event), services.live.change(event)), reconnected: () => services.live.reconnected() }, logger);
    await listener.start();
    await services.screens.generateAndRegister({ preset: 'tiny', seed: 7, name: 'tiny' });
    const created = await services.sweeps.create({ screen: 'tiny', setups: ['weakly-supervised/one-crop', 'unsupervised/one-crop'], profile: 'quick', overrides: {} });
    sweepId = created.sweep.id;
    runIds = created.runs.map((run) => run.id);
    // a new sweep announces its queued runs; heard before the tests subscribe, so none of them sees these
    const deadline = Date.now() + 10_000;
    while (heard.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const announced = heard.map((event) => (event.kind === 'run' ? `${event.change} ${event.sweep} ${event.run}` : event.kind));
    expect(announced.sort()).toEqual(runIds.map((id) => `status ${sweepId} ${id}`).sort());
  });
  afterAll(async () => {
    await listener?.stop();
    await database?.close();
    await testDatabase?.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it("sends a run's status, epochs and progress as they are committed, with the epoch row just recorded", async () => {
    const updates = reader(await services.live.runUpdates({ run: runIds[0] }));
    const counts = reader(await services.live.sweepUpdates(sweepId));
    // each update re-reads the run when it is sent: one change at a time shows each state
    await runs.start(runIds[0], 'wasm', 'cpu');
    expect(await updates.next()).toMatchObject({ change: 'status', epoch: null, run: { id: runIds[0], status: 'running' } });
    await runs.recordEpoch(runIds[0], epochRecord(1));
    expect(await updates.next()).toMatchObject({ change: 'epoch', epoch: { epoch: 1, trainLoss: 1 }, run: { epochsCompleted: 1 } });
    // a resumed run reporting an epoch again is no news; the progress after it is
    await runs.recordEpoch(runIds[0], epochRecord(1));
    await runs.setProgress(runIds[0], { jobId: 'j', worker: { host: 'h', pid: 1 }, epoch: 2, epochs: 2, batch: 1, batches: 2, fraction: 0.75, updatedAt: new Date().toISOString() });
    expect(await updates.next()).toMatchObject({ change: 'progress', run: { progress: { fraction: 0.75 } } });
    // another run of the sweep: news for the sweep, not for this run's subscriber
    await runs.start(runIds[1], 'wasm', 'cpu');
    // several changes before the subscriber reads: their updates keep the commit order
    await runs.recordEpoch(runIds[0], epochRecord(2));
    await runs.fail(runIds[0], 'out of memory');
    expect(await updates.next()).toMatchObject({ change: 'epoch', epoch: { epoch: 2, trainLoss: 0.5 }, run: { epochsCompleted: 2 } });
    expect(await updates.next()).toMatchObject({ change: 'status', run: { status: 'failed', error: 'out of memory' } });

    // one update per status change of the sweep's runs, each with the counts as they are then
    await counts.next();
    await counts.next();
    // the sweep's two baseline runs wait in the queue throughout
    expect((await counts.next()).statusCounts).toEqual({ running: 1, failed: 1, queued: 2 });
    await updates.close();
    await counts.close();
  });

  it('tells subscribers to re-read after the connection drops, and hears changes again', async () => {
    const updates = reader(await services.live.runUpdates({ sweep: sweepId }));
    const admin = new Client({ connectionString: testDatabase.url });
    await admin.connect();
    try {
      const killed = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'morphospace change listener'");
      expect(killed.rowCount).toBe(1);
    } finally {
      await admin.end();
    }
    // the sweep's runs (two learned, two baselines) as they are now, then news again
    const resynced = [];
    for (let i = 0; i < runIds.length; i++) resynced.push(await updates.next());
    expect(resynced.map((update) => update.change)).toEqual(runIds.map(() => 'resync'));
    expect(resynced.map((update) => update.run.id).sort()).toEqual([...runIds].sort());
    await runs.cancel(runIds[1]);
    expect(await updates.next()).toMatchObject({ change: 'status', run: { id: runIds[1], status: 'cancelled' } });
    await updates.close();
  });

  it('announces a written evaluation once, with its tasks', async () => {
    const finished = reader(await services.live.evaluationsFinished(runIds[0]));
    await new EvaluationRepository(database.dataSource).replaceSets(runIds[0], [
      { task: 'map', parameters: { a: 1 }, records: [{ cellLineId: null, result: {} }] },
      { task: 'similarity', parameters: { a: 1 }, records: [{ cellLineId: null, result: {} }] },
      { task: 'similarity', parameters: { a: 2 }, records: [{ cellLineId: null, result: {} }] },
    ]);
    const update = await finished.next();
    expect(update.run.id).toBe(runIds[0]);
    expect(update.tasks).toEqual(['similarity', 'map']);
    await finished.close();
  });

  it('refuses both or neither of sweep and run, and unknown ids', async () => {
    await expect(services.live.runUpdates({})).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    await expect(services.live.runUpdates({ sweep: sweepId, run: runIds[0] })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    await expect(services.live.runUpdates({ run: 'nope' })).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await expect(services.live.evaluationsFinished('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
  });
});
