import { until } from '../support/until';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TASK_NAMES as REQUIRED_EVALUATION_TASKS } from '../../src/evaluation/tasks/task.registry';
import { openRuntime, type Runtime } from '../../src/runtime';
import { graphql, startCli, startServer, type ServerProcess } from '../support/server-process';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/test-database';

const WORKER_READY = /"msg":"worker ready"/;
const WORKERS = 3;
const SETUPS = [
  'weakly-supervised/one-crop',
  'weakly-supervised/one-crop+aug',
  'weakly-supervised/multi-crop',
  'weakly-supervised/multi-crop+aug',
  'self-supervised/one-crop',
  'unsupervised/one-crop',
];
const STEPS = ['run.train', 'run.embed', 'run.evaluate'];

const POLL_MS = 500;

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(() => true, () => false);
}

/**
 * Issue 16, many machines: three worker processes, each with its own data dir as on its own
 * host, share one PostgreSQL and one store directory. pg-boss spreads a sweep's jobs over them;
 * every run trains once and counts each epoch once, wherever its steps ran. Then two `serve`
 * replicas, each rebuilding its indexes from PostgreSQL in its own data dir, answer alike.
 */
// once per CI run: the embedded pass adds nothing here
describe.skipIf(inject('embeddedDatabase'))('many machines: workers and API replicas over one PostgreSQL and one store', () => {
  let testDatabase: TestDatabase;
  let work: string;
  let store: string;
  let runtime: Runtime;
  const processes: ServerProcess[] = [];
  const dataDir = (name: string) => path.join(work, name);

  beforeAll(async () => {
    testDatabase = await createTestDatabase('e2e_many_machines');
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-e2e-many-'));
    store = path.join(work, 'store');
    runtime = await openRuntime(testConfig(testDatabase.url, { MORPHOSPACE_DATA_DIR: dataDir('cli'), MORPHOSPACE_STORE_DIR: store }));
    await runtime.services.screens.generateAndRegister({ preset: 'tiny', seed: 7, name: 'tiny' });
  });
  afterAll(async () => {
    await Promise.all(processes.map((child) => child.stop('SIGKILL')));
    await runtime?.close();
    await testDatabase?.drop();
    if (work) await fs.rm(work, { recursive: true, force: true });
  });

  const query = <T>(sql: string, parameters: unknown[] = []): Promise<T[]> => runtime.database.dataSource.query(sql, parameters);
  const env = (name: string) => ({
    DATABASE_URL: testDatabase.url,
    MORPHOSPACE_DATA_DIR: dataDir(name),
    MORPHOSPACE_STORE_DIR: store,
    MORPHOSPACE_THREADS: '1',
    MORPHOSPACE_BACKEND: 'wasm',
    // no worker dies here: on a loaded CI machine a busy worker must not be taken for dead
    MORPHOSPACE_HEARTBEAT_TIMEOUT_SECONDS: '600',
  });

  let runIds: string[] = [];

  it('spreads a sweep of 6 setups over 3 workers with their own data dirs; each run trains once, each epoch counted once', async () => {
    const { runs } = await runtime.services.sweeps.create({
      screen: 'tiny',
      setups: SETUPS,
      profile: 'quick',
      overrides: { epochs: 2, batchSize: 8, imagesPerEpoch: 16, validationImages: 8, embedTileSize: 0 },
    });
    // the 6 setups alone: the sweep's baseline runs are taken out before any worker starts
    const baselineRuns = runs.filter((run) => run.setup!.baseline !== null).map((run) => run.id);
    for (const baselineRun of baselineRuns) await runtime.services.sweeps.cancelRun(baselineRun);
    await query('DELETE FROM pgboss.job WHERE singleton_key = ANY($1)', [baselineRuns]);
    runIds = runs.filter((run) => run.setup!.baseline === null).map((run) => run.id);
    expect(runIds).toHaveLength(SETUPS.length);

    const started = Date.now();
    const workers = await Promise.all(Array.from({ length: WORKERS }, (_, index) => startCli(['worker'], env(`worker-${index}`), WORKER_READY)));
    processes.push(...workers);
    const workerIds = await query<{ id: string; pid: number }>('SELECT id, pid FROM workers');
    expect(workerIds.map((worker) => worker.pid).sort()).toEqual(workers.map((worker) => worker.child.pid).sort());

    // pg-boss keeps a finished job in its job table, then moves it to its archive
    const jobs = () => query<{ name: string; key: string; state: string; worker: string | null; retries: number }>(
      `SELECT name, singleton_key AS key, state, output->'worker'->>'id' AS worker, retry_count AS retries
         FROM (SELECT name, singleton_key, state, output, retry_count FROM pgboss.job
               UNION ALL SELECT name, singleton_key, state, output, retry_count FROM pgboss.archive) AS jobs
        WHERE name = ANY($1) AND singleton_key = ANY($2)`,
      [STEPS, runIds],
    );
    const evaluated = async () => {
      const rows = await query<{ run_id: string; tasks: string[] }>(
        'SELECT run_id, array_agg(DISTINCT task) AS tasks FROM evaluations WHERE run_id = ANY($1) GROUP BY run_id',
        [runIds],
      );
      return rows.filter((row) => REQUIRED_EVALUATION_TASKS.every((task) => row.tasks.includes(task))).length;
    };
    await until(async () => ((await evaluated()) === runIds.length ? true : undefined), 600_000, 'every run of the sweep to be evaluated', POLL_MS);
    const finished = await jobs();
    const seconds = Math.round((Date.now() - started) / 100) / 10;

    for (const runId of runIds) {
      for (const step of STEPS) {
        // exactly one job per step, completed at its first attempt: nothing ran twice
        expect(finished.filter((job) => job.key === runId && job.name === step).map(({ state, retries }) => ({ state, retries })), `${step} of ${runId}`)
          .toEqual([{ state: 'completed', retries: 0 }]);
      }
    }
    const epochs = await query<{ run_id: string; status: string; epochs_completed: number; epochs: number[] }>(
      `SELECT runs.id AS run_id, runs.status, runs.epochs_completed, array_remove(array_agg(run_epochs.epoch ORDER BY run_epochs.epoch), NULL) AS epochs
         FROM runs LEFT JOIN run_epochs ON run_epochs.run_id = runs.id WHERE runs.id = ANY($1) GROUP BY runs.id`,
      [runIds],
    );
    expect(epochs).toHaveLength(SETUPS.length);
    for (const run of epochs) {
      expect(run.status).toBe('succeeded');
      expect({ counted: run.epochs_completed, rows: run.epochs }).toEqual({ counted: 2, rows: [1, 2] });
    }

    // every job names the worker that ran it; each of the three took its share
    const byWorker = new Map<string, number>();
    for (const job of finished) byWorker.set(job.worker!, (byWorker.get(job.worker!) ?? 0) + 1);
    expect([...byWorker.keys()].sort()).toEqual(workerIds.map((worker) => worker.id).sort());
    const trainedBy = new Set(finished.filter((job) => job.name === 'run.train').map((job) => job.worker));
    expect(trainedBy.size).toBeGreaterThan(1);

    // what another host needs is in the store; a worker's own data dir holds none of it
    for (const runId of runIds) expect(await exists(path.join(store, 'runs', runId, 'latest.json'))).toBe(true);
    for (let index = 0; index < WORKERS; index += 1) {
      expect(await exists(path.join(dataDir(`worker-${index}`), 'runs'))).toBe(false);
      expect(await exists(path.join(dataDir(`worker-${index}`), 'screens'))).toBe(false);
    }
    console.log(JSON.stringify({ manyMachines: { workers: WORKERS, runs: runIds.length, jobs: finished.length, jobsPerWorker: [...byWorker.values()], trainedBy: trainedBy.size, seconds } }));
  }, 720_000);

  it('two serve replicas, each rebuilding its indexes from PostgreSQL in its own data dir, answer nearestCompounds and nearestImages identically', async () => {
    expect(runIds.length).toBeGreaterThan(0);
    const replicas = await Promise.all(['api-0', 'api-1'].map((name) => startServer(['serve', '--port', '0'], env(name))));
    processes.push(...replicas);
    const [image] = await query<{ id: string; cell_line: string; compound: string }>(
      `SELECT images.id, cell_lines.name AS cell_line, compounds.name AS compound FROM images
         JOIN cell_lines ON cell_lines.id = images.cell_line_id JOIN compounds ON compounds.id = images.compound_id
        WHERE compounds.name <> 'DMSO' ORDER BY images.id LIMIT 1`,
    );
    const questions = runIds.flatMap((run) => [
      {
        query: `query ($run: ID!, $cellLine: ID!, $compound: ID!) { nearestCompounds(run: $run, cellLine: $cellLine, compound: $compound, k: 5) { compound { name } concentration distance } }`,
        variables: { run, cellLine: image.cell_line, compound: image.compound },
      },
      {
        query: `query ($run: ID!, $image: ID!) { nearestImages(run: $run, image: $image, k: 10) { imageId distance } }`,
        variables: { run, image: image.id },
      },
    ]);
    for (const question of questions) {
      const [first, second] = await Promise.all(replicas.map((replica) => graphql(replica.url, question.query, { variables: question.variables })));
      expect(first.body.errors).toBeUndefined();
      expect(Object.values(first.body.data)[0]).not.toHaveLength(0);
      expect(second.body).toEqual(first.body);
    }
    for (const name of ['api-0', 'api-1']) expect(await exists(path.join(dataDir(name), 'indexes'))).toBe(true);
  }, 300_000);
});
