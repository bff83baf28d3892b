import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerRepository } from '../../src/db/repositories/worker.repository';
import { createLogger } from '../../src/logger';
import { TASK_NAMES as REQUIRED_EVALUATION_TASKS } from '../../src/evaluation/tasks/task.registry';
import { WorkerHeartbeat } from '../../src/pipeline/worker-heartbeat.service';
import { JobQueue } from '../../src/queue/job.queue';
import { JOB_OPTIONS, type JobPayloads } from '../../src/queue/jobs';
import { openRuntime, type Runtime } from '../../src/runtime';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/test-database';

const logger = createLogger('silent');

/** The pipeline's rule and the heartbeat, on a real Postgres and pg-boss, without training anything. */
describe('pipeline and worker heartbeat', () => {
  let testDatabase: TestDatabase;
  let dataDir: string;
  let runtime: Runtime;
  let boss: PgBoss;
  let runIds: string[];

  const jobsOf = async (runId: string): Promise<Array<{ name: string; state: string }>> =>
    runtime.database.dataSource.query(`SELECT name, state FROM pgboss.job WHERE singleton_key = $1 ORDER BY created_on, name`, [runId]);
  const setStatus = (runId: string, status: string) => runtime.database.dataSource.query('UPDATE runs SET status = $2 WHERE id = $1', [runId, status]);
  const markEmbedded = (runId: string) =>
    runtime.database.dataSource.query(`INSERT INTO embedding_sets (run_id, generation, status, image_count, dimensions) VALUES ($1, 1, 'complete', 0, 8)`, [runId]);
  const storeResults = (runId: string, tasks: readonly string[]) =>
    runtime.database.dataSource.query(`INSERT INTO evaluations (run_id, task, result) SELECT $1, unnest($2::text[]), '{}'`, [runId, tasks]);

  beforeAll(async () => {
    testDatabase = await createTestDatabase('pipeline');
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-pipeline-'));
    runtime = await openRuntime(testConfig(testDatabase.url, { MORPHOSPACE_DATA_DIR: dataDir }));
    boss = new PgBoss({ connectionString: testDatabase.url, max: 2 });
    await boss.start();
    await runtime.services.screens.generateAndRegister({ preset: 'tiny', seed: 7, name: 'tiny' });
    const { runs } = await runtime.services.sweeps.create({
      screen: 'tiny',
      setups: ['weakly-supervised/one-crop', 'weakly-supervised/multi-crop', 'unsupervised/one-crop', 'regularized/one-crop', 'self-supervised/one-crop'],
      profile: 'quick',
    });
    runIds = runs.filter((run) => run.setup!.baseline === null).map((run) => run.id);
    // the sweep's baseline runs are not part of these cases: out of the pipeline, their jobs gone
    const baselineRuns = runs.filter((run) => run.setup!.baseline !== null).map((run) => run.id);
    for (const runId of baselineRuns) await runtime.services.sweeps.cancelRun(runId);
    await runtime.database.dataSource.query('DELETE FROM pgboss.job WHERE singleton_key = ANY($1)', [baselineRuns]);
  }, 120_000);
  afterAll(async () => {
    await boss?.stop({ graceful: false });
    await runtime?.close();
    await testDatabase?.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('queues each run its missing next step once, and nothing for a step whose job is active or retried', async () => {
    const [waiting, retried, trained, embedded, evaluated] = runIds;
    // a run.train job sent back for retry by a dead worker is still the run's job: no second one
    await runtime.database.dataSource.query(`DELETE FROM pgboss.job WHERE singleton_key = ANY($1)`, [[trained, embedded, evaluated]]);
    const taken = await boss.fetch<{ runId: string }>('run.train', { batchSize: 5 });
    expect(taken.map((job) => job.data.runId).sort()).toEqual([waiting, retried].sort());
    await boss.fail('run.train', taken.find((job) => job.data.runId === retried)!.id, { reason: 'worker died' });
    // the window of the issue: succeeded, but killed before its embed job was queued
    await setStatus(trained, 'succeeded');
    await setStatus(embedded, 'succeeded');
    await markEmbedded(embedded);
    await setStatus(evaluated, 'succeeded');
    await markEmbedded(evaluated);
    await storeResults(evaluated, REQUIRED_EVALUATION_TASKS);

    const queued = await runtime.services.pipeline.advance();
    expect(queued.sort((a, b) => a.runId.localeCompare(b.runId))).toEqual(
      [{ runId: trained, step: 'embed' }, { runId: embedded, step: 'evaluate' }].sort((a, b) => a.runId.localeCompare(b.runId)),
    );
    expect(await jobsOf(waiting)).toEqual([{ name: 'run.train', state: 'active' }]);
    expect(await jobsOf(retried)).toEqual([{ name: 'run.train', state: 'retry' }]);
    expect(await jobsOf(trained)).toEqual([{ name: 'run.embed', state: 'created' }]);
    expect(await jobsOf(embedded)).toEqual([{ name: 'run.evaluate', state: 'created' }]);
    expect(await jobsOf(evaluated)).toEqual([]);

    // every worker runs passes, at once too: still one job per step
    const again = await Promise.all([runtime.services.pipeline.advance(), runtime.services.pipeline.advance(), runtime.services.pipeline.advance(trained)]);
    expect(again.flat()).toEqual([]);
    const [active] = await boss.fetch('run.embed');
    expect(active.data).toEqual({ runId: trained });
    expect(await runtime.services.pipeline.advance()).toEqual([]);
    expect(await jobsOf(trained)).toEqual([{ name: 'run.embed', state: 'active' }]);
  });

  it('queues training again for a running run whose job is gone, an evaluation until every required task is stored, and nothing for a failed run', async () => {
    const [, , trained, embedded] = runIds;
    await runtime.database.dataSource.query(`DELETE FROM pgboss.job WHERE singleton_key = ANY($1)`, [[trained, embedded]]);
    await setStatus(trained, 'running');
    await storeResults(embedded, REQUIRED_EVALUATION_TASKS.slice(1));
    expect(await runtime.services.pipeline.advance()).toEqual(expect.arrayContaining([{ runId: trained, step: 'train' }, { runId: embedded, step: 'evaluate' }]));
    await runtime.database.dataSource.query(`DELETE FROM pgboss.job WHERE singleton_key = ANY($1)`, [[trained, embedded]]);
    await setStatus(trained, 'failed');
    await storeResults(embedded, REQUIRED_EVALUATION_TASKS.slice(0, 1));
    expect(await runtime.services.pipeline.advance()).toEqual([]);
  });

  it('hands back the jobs of a silent worker and of a dead pid on this host, and never those of a live worker', async () => {
    const workers = new WorkerRepository(runtime.database.dataSource);
    // the runs' jobs of the tests above are not this test's business
    await runtime.database.dataSource.query(`DELETE FROM pgboss.job WHERE name LIKE 'run.%'`);
    const keys = ['silent', 'dead-pid', 'live', 'unlisted-new', 'unlisted-old'];
    for (const key of keys) await boss.send('screen.generate', { preset: 'tiny', seed: 1, name: key }, { singletonKey: key });
    const taken = await boss.fetch<{ name: string }>('screen.generate', { batchSize: 5 });
    const job = (key: string) => taken.find((one) => one.data.name === key)!;
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
    await workers.beat({ id: '00000000-0000-4000-8000-000000000001', host: 'elsewhere', pid: 1 }, [{ name: 'screen.generate', id: job('silent').id }]);
    await runtime.database.dataSource.query(`UPDATE workers SET heartbeat_at = now() - interval '1 hour'`);
    await workers.beat({ id: '00000000-0000-4000-8000-000000000002', host: os.hostname(), pid: deadPid }, [{ name: 'screen.generate', id: job('dead-pid').id }]);
    await workers.beat({ id: '00000000-0000-4000-8000-000000000003', host: 'elsewhere', pid: 1 }, [{ name: 'screen.generate', id: job('live').id }]);
    // taken by a worker that died before it could list it
    await runtime.database.dataSource.query(`UPDATE pgboss.job SET started_on = now() - interval '10 minutes' WHERE id = $1`, [job('unlisted-old').id]);

    const heartbeat = new WorkerHeartbeat(workers, runtime.queue, { heartbeatSeconds: 5, staleAfterSeconds: 30 }, logger);
    expect(await heartbeat.beat()).toBe(3);
    const states: Array<{ singleton_key: string; state: string }> = await runtime.database.dataSource.query(
      `SELECT singleton_key, state FROM pgboss.job WHERE name = 'screen.generate' ORDER BY singleton_key`,
    );
    expect(Object.fromEntries(states.map((row) => [row.singleton_key, row.state]))).toEqual({
      silent: 'retry',
      'dead-pid': 'retry',
      live: 'active',
      'unlisted-new': 'active',
      'unlisted-old': 'retry',
    });
    const rows = await workers.all(30);
    expect(rows.map((row) => row.id).sort()).toEqual(['00000000-0000-4000-8000-000000000003', heartbeat.identity.id].sort());
    // a second beat finds nothing more to hand back, and a stopped worker leaves no row
    expect(await heartbeat.beat()).toBe(0);
    await heartbeat.stop();
    expect((await workers.all(30)).map((row) => row.id)).toEqual(['00000000-0000-4000-8000-000000000003']);
  });

  it('a worker stopping beats without reading the closing queue, and a stopped queue says so', async () => {
    const workers = new WorkerRepository(runtime.database.dataSource);
    const queue = new JobQueue<JobPayloads>(testDatabase.url, JOB_OPTIONS, logger);
    await queue.start();
    const heartbeat = new WorkerHeartbeat(workers, queue, { heartbeatSeconds: 5, staleAfterSeconds: 30 }, logger);
    await heartbeat.start();
    await heartbeat.stopReaping();
    await queue.stop();
    await expect(queue.activeJobs()).rejects.toThrow('the job queue is stopped: its tables cannot be read');
    // the beat still says this worker is alive, and hands nothing back
    expect(await heartbeat.beat()).toBe(0);
    expect((await workers.all(30)).map((row) => row.id)).toContain(heartbeat.identity.id);
    await heartbeat.stop();
    expect((await workers.all(30)).map((row) => row.id)).not.toContain(heartbeat.identity.id);
  });
});
