import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { graphql, startServer } from '../support/server-process';

const ADMIN_KEY = 'embedded-admin-key-0123456789';

/** `morphospace start` with no DATABASE_URL: a real PostgreSQL in the data dir, reused, surviving kill -9. */
describe('morphospace start on the embedded database', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'morphospace-e2e-start-'));
  fs.chmodSync(dataDir, 0o755);
  const env = { DATABASE_URL: undefined, MORPHOSPACE_DATA_DIR: dataDir, MORPHOSPACE_ADMIN_KEY: ADMIN_KEY };
  const postmasterPid = path.join(dataDir, 'postgres', 'postmaster.pid');

  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('initialises, serves, and stops the database with the process', async () => {
    const server = await startServer(['start', '--port', '0'], env);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const created = await graphql(server.url, 'mutation { createApiKey(role: READER, name: "kept") { apiKey { id } } }', { key: ADMIN_KEY });
    expect(created.body.errors).toBeUndefined();
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(fs.existsSync(postmasterPid)).toBe(false);
  });

  it('reuses the data on the next start', async () => {
    const server = await startServer(['start', '--port', '0'], env);
    const keys = await graphql(server.url, '{ apiKeys { name } }', { key: ADMIN_KEY });
    expect(keys.body.data.apiKeys).toEqual([{ name: 'kept' }]);
    expect(await server.stop('SIGINT')).toBe(0);
  });

  it('starts again after kill -9, and that start stops the database it adopted', async () => {
    const killed = await startServer(['start', '--port', '0'], env);
    expect(await killed.stop('SIGKILL')).toBe(null);
    const server = await startServer(['start', '--port', '0'], env);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const keys = await graphql(server.url, '{ apiKeys { name } }', { key: ADMIN_KEY });
    expect(keys.body.data.apiKeys).toHaveLength(1);
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(fs.existsSync(postmasterPid)).toBe(false);
  });
});
