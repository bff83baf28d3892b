import { until } from '../support/until';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_NAMES as REQUIRED_EVALUATION_TASKS } from '../../src/evaluation/tasks/task.registry';
import { openRuntime, type Runtime } from '../../src/runtime';
import { KillPoints } from '../support/kill-points';
import { startCli, startServer, type ServerProcess } from '../support/server-process';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/test-database';

const WORKER_READY = /"msg":"worker ready"/;
/** Generous for a loaded 2-core machine; the queue's own expiry would be 6 h (23 h for training). */
const RECOVERY_BOUND_MS = 90_000;

const POLL_MS = 200;

type Step = 'run.train' | 'run.embed' | 'run.evaluate';

/** One row of the kill matrix: where the worker was killed, and how the next worker picked it up. */
interface Recovery {
  killed: string;
  step: Step;
  /** from the next worker's spawn until the step's job was taken again */
  resumedSeconds: number;
}

/**
 * Issue 12, "Nothing lost": in serve + worker mode, a worker is killed with -9 at each step
 * boundary of one run, and the next plain worker finishes what it left, within seconds: every
 * step done once, nothing queued twice.
 */
describe('every run finishes, whatever is killed', () => {
  let testDatabase: TestDatabase;
  let dataDir: string;
  let runtime: Runtime;
  let server: ServerProcess;
  let points: KillPoints;
  const matrix: Recovery[] = [];
  /** every worker started, so none outlives a failed wait */
  const workers: ServerProcess[] = [];

  beforeAll(async () => {
    testDatabase = await createTestDatabase('e2e_pipeline');
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-e2e-pipeline-'));
    runtime = await openRuntime(testConfig(testDatabase.url, { MORPHOSPACE_DATA_DIR: dataDir }));
    await runtime.services.screens.generateAndRegister({ preset: 'tiny', seed: 7, name: 'tiny' });
    server = await startServer(['serve', '--port', '0'], { DATABASE_URL: testDatabase.url, MORPHOSPACE_DATA_DIR: dataDir });
    points = await KillPoints.connect(testDatabase.url);
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
    await points?.release();
    await points?.close();
    await server?.stop('SIGTERM');
    await runtime?.close();
    await testDatabase?.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
    // the kill matrix of this run, for the report
    console.log(JSON.stringify({ killMatrix: matrix }));
  });

  const env = () => ({
    DATABASE_URL: testDatabase.url,
    MORPHOSPACE_DATA_DIR: dataDir,
    MORPHOSPACE_THREADS: '1',
    MORPHOSPACE_BACKEND: 'wasm',
    MORPHOSPACE_HEARTBEAT_SECONDS: '1',
    MORPHOSPACE_HEARTBEAT_TIMEOUT_SECONDS: '5',
  });
  const query = <T>(sql: string, parameters: unknown[] = []): Promise<T[]> => runtime.database.dataSource.query(sql, parameters);
  const runStatus = async (runId: string) => (await query<{ status: string }>('SELECT status FROM runs WHERE id = $1', [runId]))[0].status;
  const jobStates = (runId: string) => query<{ name: string; state: string; n: number }>(
    `SELECT name, state, count(*)::int AS n FROM pgboss.job WHERE singleton_key = $1 GROUP BY name, state ORDER BY name, state`,
    [runId],
  );

  async function startWorker(): Promise<ServerProcess> {
    const worker = await startCli(['worker'], env(), WORKER_READY);
    workers.push(worker);
    return worker;
  }

  /** Starts a worker, waits until the step's job is taken (again) under it, and adds the row to the matrix. */
  async function nextWorker(runId: string, killed: string, step: Step): Promise<ServerProcess> {
    const [{ now: spawnedAt }] = await query<{ now: Date }>('SELECT now()');
    const spawned = Date.now();
    const worker = await startWorker();
    await until(async () => {
      const taken = await query('SELECT 1 FROM pgboss.job WHERE name = $1 AND singleton_key = $2 AND started_on > $3', [step, runId, spawnedAt]);
      return taken.length > 0 ? true : undefined;
    }, RECOVERY_BOUND_MS, `${step} of the run to be taken again after a kill ${killed}`, POLL_MS);
    matrix.push({ killed, step, resumedSeconds: Math.round((Date.now() - spawned) / 100) / 10 });
    return worker;
  }

  /** Waits until a worker is stopped at the kill point, kills it with -9, and clears the point. */
  async function killAt(worker: ServerProcess, on: 'Lock' | 'PgSleep', ready: () => Promise<boolean> = async () => true): Promise<void> {
    await until(async () => ((await points.reached(on)) && (await ready()) ? true : undefined), RECOVERY_BOUND_MS, `the worker to stop at its kill point (${on})`, POLL_MS);
    expect(await worker.stop('SIGKILL')).toBe(null);
    await points.release();
  }

  it('kills a worker during training, after success before the embed job, during embedding and during evaluation; the run ends embedded and evaluated once', async () => {
    const { runs } = await runtime.services.sweeps.create({
      screen: 'tiny',
      setups: ['weakly-supervised/one-crop'],
      profile: 'quick',
      overrides: { epochs: 2, batchSize: 16, imagesPerEpoch: 32 },
    });
    const runId = runs[0].id;
    // the kill points follow one run: the sweep's baseline runs are taken out of the pipeline, their jobs gone
    const baselineRuns = runs.filter((run) => run.setup!.baseline !== null).map((run) => run.id);
    for (const baselineRun of baselineRuns) await runtime.services.sweeps.cancelRun(baselineRun);
    await query('DELETE FROM pgboss.job WHERE singleton_key = ANY($1)', [baselineRuns]);

    // 1. during training: stopped writing epoch 1's row, its checkpoint already saved
    await points.blockWrites('run_epochs');
    const first = await startWorker();
    await killAt(first, 'Lock');
    expect(await runStatus(runId)).toBe('running');
    expect(await jobStates(runId)).toEqual([{ name: 'run.train', state: 'active', n: 1 }]);

    // 2. the worst case: the run succeeded, its worker killed before the embed job was queued
    await points.holdEmbedInserts();
    const second = await nextWorker(runId, 'during run.train (epoch 1 written to the checkpoint, not to run_epochs)', 'run.train');
    await killAt(second, 'PgSleep', async () => (await runStatus(runId)) === 'succeeded');
    expect(await jobStates(runId)).toEqual([{ name: 'run.train', state: 'active', n: 1 }]);

    // 3. during embedding, in a plain worker: no `start`, no demo to queue the embedding
    await points.blockWrites('embeddings');
    const third = await nextWorker(runId, 'after run.train succeeded, before run.embed was queued', 'run.embed');
    await killAt(third, 'Lock');

    // 4. during evaluation: results computed, not yet stored
    await points.blockWrites('evaluations');
    const fourth = await nextWorker(runId, 'during run.embed (writing embeddings)', 'run.embed');
    await until(async () => ((await query('SELECT 1 FROM pgboss.job WHERE name = $1 AND singleton_key = $2', ['run.evaluate', runId])).length > 0 ? true : undefined), RECOVERY_BOUND_MS, 'the evaluation to be queued', POLL_MS);
    await killAt(fourth, 'Lock');

    const last = await nextWorker(runId, 'during run.evaluate (storing results)', 'run.evaluate');
    try {
      await until(async () => {
        const evaluated = await query<{ task: string }>('SELECT DISTINCT task FROM evaluations WHERE run_id = $1', [runId]);
        const jobs = await query(`SELECT 1 FROM pgboss.job WHERE singleton_key = $1 AND state IN ('created', 'retry', 'active')`, [runId]);
        return evaluated.length === REQUIRED_EVALUATION_TASKS.length && jobs.length === 0 ? true : undefined;
      }, RECOVERY_BOUND_MS, 'the run to be evaluated', POLL_MS);
      // every step once: each job completed once, after its kills and retries, and no other job of the run
      expect(await jobStates(runId)).toEqual([
        { name: 'run.embed', state: 'completed', n: 1 },
        { name: 'run.evaluate', state: 'completed', n: 1 },
        { name: 'run.train', state: 'completed', n: 1 },
      ]);
      const run = await runtime.services.runs.byId(runId);
      expect(run).toMatchObject({ status: 'succeeded', epochsCompleted: 2 });
      expect((await runtime.services.runs.epochs(runId)).map((row) => row.epoch)).toEqual([1, 2]);
      const [set] = await query<{ status: string; generation: number; image_count: number }>('SELECT status, generation, image_count FROM embedding_sets WHERE run_id = $1', [runId]);
      const [images] = await query<{ n: number }>('SELECT count(*)::int AS n FROM images i JOIN runs r ON r.screen_id = i.screen_id WHERE r.id = $1', [runId]);
      expect(set).toEqual({ status: 'complete', generation: 1, image_count: images.n });
      const [embeddings] = await query<{ n: number; distinct: number }>('SELECT count(*)::int AS n, count(DISTINCT image_id)::int AS distinct FROM embeddings WHERE run_id = $1', [runId]);
      expect(embeddings).toEqual({ n: images.n, distinct: images.n });
      const duplicates = await query(
        `SELECT task, cell_line_id, parameters FROM evaluations WHERE run_id = $1 GROUP BY task, cell_line_id, parameters HAVING count(*) > 1`,
        [runId],
      );
      expect(duplicates).toEqual([]);
      expect(last.output()).toMatch(/handed back a job its worker abandoned/);
    } finally {
      expect(await last.stop('SIGTERM')).toBe(0);
    }
    expect(matrix.every((row) => row.resumedSeconds * 1000 < RECOVERY_BOUND_MS)).toBe(true);
  }, 480_000);
});
