import { until } from '../support/until';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRuntime, type Runtime } from '../../src/runtime';
import { selectBackend } from '../../src/training/backend';
import { CheckpointStore } from '../../src/training/checkpoint.store';
import { createParadigm } from '../../src/training/paradigms/create-paradigm';
import { startCli } from '../support/server-process';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/test-database';

const WORKER_READY = /"msg":"worker ready"/;

const POLL_MS = 100;

/** Issue 4's "done when": kill -9 of the worker during epoch 2, a restart, and the run completes with each epoch once. */
describe('a worker killed mid-run', () => {
  let testDatabase: TestDatabase;
  let dataDir: string;
  let runtime: Runtime;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('e2e_resume');
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-e2e-resume-'));
    runtime = await openRuntime(testConfig(testDatabase.url, { MORPHOSPACE_DATA_DIR: dataDir }));
    await runtime.services.screens.generateAndRegister({ preset: 'tiny', seed: 7, name: 'tiny' });
  });
  afterAll(async () => {
    await runtime.close();
    await testDatabase.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('resumes from its checkpoint after kill -9 and a restart', async () => {
    const { runs } = await runtime.services.sweeps.create({
      screen: 'tiny',
      setups: ['weakly-supervised/one-crop'],
      profile: 'quick',
      overrides: { epochs: 3, batchSize: 16, imagesPerEpoch: 96 },
    });
    const runId = runs[0].id;
    const env = { DATABASE_URL: testDatabase.url, MORPHOSPACE_DATA_DIR: dataDir, MORPHOSPACE_THREADS: '1', MORPHOSPACE_BACKEND: 'wasm' };

    const first = await startCli(['worker'], env, WORKER_READY);
    await until(async () => {
      const run = await runtime.services.runs.byId(runId);
      return run.epochsCompleted === 1 && (run.progress as { epoch?: number } | null)?.epoch === 2 ? true : undefined;
    }, 120_000, 'epoch 2 to start', POLL_MS);
    expect(await first.stop('SIGKILL')).toBe(null);
    expect((await runtime.services.runs.byId(runId)).status).toBe('running');

    const second = await startCli(['worker'], env, WORKER_READY);
    try {
      const finished = await until(async () => {
        const run = await runtime.services.runs.byId(runId);
        return ['succeeded', 'failed'].includes(run.status) ? run : undefined;
      }, 180_000, 'the run to finish', POLL_MS);
      expect(finished.error).toBeNull();
      expect(finished).toMatchObject({ status: 'succeeded', epochsCompleted: 3 });
      expect((await runtime.services.runs.epochs(runId)).map((row) => row.epoch)).toEqual([1, 2, 3]);
      expect(second.output()).toMatch(/resuming from checkpoint/);
    } finally {
      expect(await second.stop('SIGTERM')).toBe(0);
    }

    await selectBackend({ backend: 'wasm', threads: 1 });
    const checkpoint = await new CheckpointStore(dataDir).load(runId);
    expect(checkpoint?.epoch).toBe(3);
    const paradigm = createParadigm('weakly-supervised');
    paradigm.importCheckpoint(checkpoint!.paradigm);
    const embedding = paradigm.encode(tf.randomUniform([2, 64, 64, 1]) as tf.Tensor4D);
    expect(embedding.shape).toEqual([2, 2048]);
    expect(Array.from(await embedding.data()).every(Number.isFinite)).toBe(true);
    tf.dispose(embedding);
    paradigm.dispose();
  });
});
