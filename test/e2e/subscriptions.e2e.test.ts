import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRuntime } from '../../src/runtime';
import { graphql, startCli, startServer, type ServerProcess } from '../support/server-process';
import { closeCodeForConnection, collect, subscriptionClient } from '../support/subscription-client';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/test-database';

const ADMIN_KEY = 'subscriptions-e2e-admin-key';
const WORKER_READY = /"msg":"worker ready"/;

const RUN_UPDATED = `subscription($sweep: ID, $run: ID) {
  runUpdated(sweep: $sweep, run: $run) { change status epochsCompleted epoch { epoch trainLoss validationLoss } progress { fraction } error run { id setup { name } } }
}`;
const SWEEP_UPDATED = 'subscription($id: ID!) { sweepUpdated(id: $id) { sweep { id } statusCounts { status count } } }';
const EVALUATION_FINISHED = 'subscription($run: ID!) { evaluationFinished(run: $run) { run { id status } tasks } }';

interface RunUpdateData {
  runUpdated: { change: string; status: string; epochsCompleted: number; epoch: { epoch: number; trainLoss: number; validationLoss: number | null } | null; error: string | null; run: { id: string } };
}

async function until(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Issue 15's "done when": a subscriber to a sweep sees its run's epochs and final status, in order, pushed by a worker process. */
describe('live updates over graphql-ws', () => {
  let testDatabase: TestDatabase;
  let dataDir: string;
  let server: ServerProcess;
  let env: Record<string, string>;
  const clients: Client[] = [];
  const client = (key?: string) => {
    const created = subscriptionClient(server.url, key);
    clients.push(created);
    return created;
  };

  beforeAll(async () => {
    testDatabase = await createTestDatabase('e2e_subscriptions');
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-e2e-subscriptions-'));
    env = { DATABASE_URL: testDatabase.url, MORPHOSPACE_DATA_DIR: dataDir, MORPHOSPACE_ADMIN_KEY: ADMIN_KEY, MORPHOSPACE_THREADS: '1', MORPHOSPACE_BACKEND: 'wasm' };
    const runtime = await openRuntime(testConfig(testDatabase.url, { MORPHOSPACE_DATA_DIR: dataDir }));
    try {
      await runtime.services.screens.generateAndRegister({ preset: 'tiny', seed: 7, name: 'tiny' });
    } finally {
      await runtime.close();
    }
    server = await startServer(['serve', '--port', '0', '--require-reader'], env);
  });
  afterAll(async () => {
    await Promise.all(clients.map((created) => created.dispose()));
    await server?.stop();
    await testDatabase?.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('refuses a socket without a key, or with a bad one, when reader keys are required (4403)', async () => {
    expect(await closeCodeForConnection(server.url, {})).toBe(4403);
    expect(await closeCodeForConnection(server.url, { authorization: 'Bearer not-a-key-at-all' })).toBe(4403);
    expect(await closeCodeForConnection(server.url, { authorization: `Bearer ${ADMIN_KEY}` })).toBeUndefined();
  });

  it('answers bad arguments with BAD_USER_INPUT and unknown ids with NOT_FOUND', async () => {
    const live = client(ADMIN_KEY);
    const both = collect(live, RUN_UPDATED, { sweep: '00000000-0000-0000-0000-000000000000', run: '00000000-0000-0000-0000-000000000000' });
    const neither = collect(live, RUN_UPDATED, {});
    const unknown = collect(live, SWEEP_UPDATED, { id: '00000000-0000-0000-0000-000000000000' });
    await Promise.all([both.ended, neither.ended, unknown.ended]);
    expect(both.results[0].errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(neither.results[0].errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(unknown.results[0].errors?.[0].extensions?.code).toBe('NOT_FOUND');
    // queries stay on HTTP, where the cost limit applies
    await expect(collect(live, '{ sweeps(first: 1) { edges { node { id } } } }', {}).ended).rejects.toMatchObject([{ extensions: { code: 'BAD_REQUEST' } }]);
  });

  it("sends a one-setup sweep's epochs in order, its final status, and its evaluation", async () => {
    const created = await graphql(
      server.url,
      `mutation { createSweep(screen: "tiny", setups: ["weakly-supervised/one-crop"], overrides: { epochs: 2, batchSize: 16, imagesPerEpoch: 32, cropsPerEpoch: 32 }) { sweep { id } runs { id } } }`,
      { key: ADMIN_KEY },
    );
    expect(created.body.errors).toBeUndefined();
    const sweepId: string = created.body.data.createSweep.sweep.id;
    // the learned run first, then the sweep's two baseline runs
    const runIds: string[] = created.body.data.createSweep.runs.map((run: { id: string }) => run.id);
    const runId = runIds[0];
    expect(runIds).toHaveLength(3);

    const live = client(ADMIN_KEY);
    const connected = new Promise((resolve) => live.on('connected', resolve));
    const runUpdates = collect<RunUpdateData>(live, RUN_UPDATED, { sweep: sweepId });
    const sweepUpdates = collect<{ sweepUpdated: { statusCounts: Array<{ status: string; count: number }> } }>(live, SWEEP_UPDATED, { id: sweepId });
    const evaluations = collect<{ evaluationFinished: { run: { id: string; status: string }; tasks: string[] } }>(live, EVALUATION_FINISHED, { run: runId });
    // the runs wait in the queue until a worker starts: the subscriptions (milliseconds to set up) are in place well before
    await connected;
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const worker = await startCli(['worker'], env, WORKER_READY);
    try {
      await until('the evaluation', () => evaluations.results.length > 0, 240_000);
    } finally {
      await worker.stop('SIGTERM');
    }

    const sweepRunUpdates = runUpdates.results.map((result) => {
      expect(result.errors).toBeUndefined();
      return result.data!.runUpdated;
    });
    expect(sweepRunUpdates.every((update) => runIds.includes(update.run.id))).toBe(true);
    const updates = sweepRunUpdates.filter((update) => update.run.id === runId);
    const epochs = updates.filter((update) => update.change === 'EPOCH');
    expect(epochs.map((update) => [update.epoch?.epoch, update.epochsCompleted])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(epochs.every((update) => Number.isFinite(update.epoch!.trainLoss))).toBe(true);
    const statuses = updates.filter((update) => update.change === 'STATUS').map((update) => update.status);
    expect(statuses).toEqual(['RUNNING', 'SUCCEEDED']);
    // in order: running, the epochs, then the final status
    const order = updates.filter((update) => update.change !== 'PROGRESS').map((update) => (update.change === 'EPOCH' ? `epoch ${update.epoch!.epoch}` : update.status));
    expect(order).toEqual(['RUNNING', 'epoch 1', 'epoch 2', 'SUCCEEDED']);
    expect(updates.some((update) => update.change === 'PROGRESS')).toBe(true);
    expect(updates.at(-1)).toMatchObject({ status: 'SUCCEEDED', epochsCompleted: 2, error: null });

    const counts = sweepUpdates.results.map((result) => Object.fromEntries(result.data!.sweepUpdated.statusCounts.map(({ status, count }) => [status, count])));
    // every count covers the sweep's three runs; by the evaluation the learned run has succeeded
    expect(counts.length).toBeGreaterThanOrEqual(2);
    expect(counts.every((count) => Object.values(count).reduce((total, n) => total + n, 0) === 3)).toBe(true);
    expect(counts.at(-1)!.succeeded).toBeGreaterThanOrEqual(1);

    expect(evaluations.results[0].data!.evaluationFinished).toEqual({ run: { id: runId, status: 'SUCCEEDED' }, tasks: ['SIMILARITY', 'CLASSIFICATION', 'CLUSTERING', 'MAP', 'NSC'] });
  }, 300_000);
});
