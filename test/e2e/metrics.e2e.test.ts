import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { graphql, startServer, type ServerProcess } from '../support/server-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const ADMIN_KEY = 'e2e-metrics-admin-key-0123';

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 150_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** `curl /metrics` while a one-setup tiny sweep runs (issue 15): every series, from the API and from the workers' work. */
// once per CI run: the embedded pass adds nothing here
describe.skipIf(inject('embeddedDatabase'))('GET /metrics while a sweep runs', () => {
  let testDatabase: TestDatabase;
  let dataDir: string;
  let server: ServerProcess;
  const scrape = (key?: string) => fetch(`${server.url}/metrics`, { headers: key ? { authorization: `Bearer ${key}` } : {} });

  beforeAll(async () => {
    testDatabase = await createTestDatabase('e2e_metrics');
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-e2e-metrics-'));
    server = await startServer(['start', '--port', '0', '--workers', '1', '--no-demo', '--metrics', 'reader'], {
      DATABASE_URL: testDatabase.url,
      MORPHOSPACE_DATA_DIR: dataDir,
      MORPHOSPACE_ADMIN_KEY: ADMIN_KEY,
      MORPHOSPACE_BACKEND: 'wasm',
      MORPHOSPACE_THREADS: '1',
      LOG_LEVEL: 'warn',
    });
  });
  afterAll(async () => {
    if (server) expect(await server.stop('SIGTERM')).toBe(0);
    await testDatabase?.drop();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('needs a key when configured so', async () => {
    const anonymous = await scrape();
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await scrape('msk_not-a-key')).status).toBe(401);
    const admitted = await scrape(ADMIN_KEY);
    expect(admitted.status).toBe(200);
    expect(admitted.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('shows each series while a one-setup tiny sweep trains', async () => {
    const generated = await graphql(server.url, 'mutation { generateScreen(preset: "tiny", seed: 11, name: "tiny") { jobId } }', { key: ADMIN_KEY });
    expect(generated.body.errors).toBeUndefined();
    const createSweep = 'mutation CreateSweep { createSweep(screen: "tiny", setups: ["weakly-supervised/one-crop"], overrides: { epochs: 3, batchSize: 16, imagesPerEpoch: 96 }) { runs { id } } }';
    const runId = await until('the screen, then the sweep', async () => (await graphql(server.url, createSweep, { key: ADMIN_KEY })).body.data?.createSweep.runs[0].id as string | undefined);
    await graphql(server.url, 'query Setups { setups(first: 2) { totalCount } }');
    await graphql(server.url, 'query Broken { run(id: "00000000-0000-0000-0000-000000000000") { id } }');

    const trainingSeries = new RegExp(`^morphospace_training_images_per_second\\{run="${runId}",setup="weakly-supervised/one-crop"\\} [0-9.e+]+$`, 'm');
    const text = await until('the run\'s first epoch and a finished job in /metrics', async () => {
      const body = await (await scrape(ADMIN_KEY)).text();
      return trainingSeries.test(body) && /^morphospace_job_duration_seconds\{queue="screen.generate",quantile="0.5"\}/m.test(body) ? body : undefined;
    });
    const expected = [
      /^morphospace_http_requests_total\{method="POST",route="\/graphql",status="200"\} \d+/m,
      /^morphospace_http_request_duration_seconds_count\{method="POST",route="\/graphql"\} \d+/m,
      /^morphospace_graphql_operations_total\{operation="CreateSweep",type="mutation"\} \d+/m,
      /^morphospace_graphql_operation_duration_seconds_count\{operation="Setups",type="query"\} 1$/m,
      /^morphospace_graphql_errors_total\{operation="Broken",code="NOT_FOUND"\} 1$/m,
      /^morphospace_queue_depth\{queue="run.train"\} \d+$/m,
      /^morphospace_queue_oldest_job_age_seconds\{queue="run.embed"\} [0-9.e+]+$/m,
      /^morphospace_queue_active_jobs\{queue="run.train"\} \d+$/m,
      /^morphospace_jobs_finished\{queue="screen.generate",outcome="completed"\} 1$/m,
      /^morphospace_job_duration_seconds\{queue="screen.generate",quantile="1"\} [0-9.e+]+$/m,
      trainingSeries,
      /^morphospace_vector_index_loaded_bytes \d+$/m,
      /^morphospace_db_pool_connections\{state="max"\} 10$/m,
      /^morphospace_db_pool_connections\{state="total"\} \d+$/m,
    ];
    expect(expected.filter((series) => !series.test(text))).toEqual([]);
    const imagesPerSecond = Number(trainingSeries.exec(text)![0].split(' ').at(-1));
    expect(imagesPerSecond).toBeGreaterThan(0);
  }, 200_000);
});
