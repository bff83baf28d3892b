import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { graphql, startCli } from '../support/server-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const DASHBOARD = /dashboard at (http:\/\/\S+)\/ \(sweep ([0-9a-f-]{36})\)/;
const LISTENING = /GraphQL API at (http:\/\/\S+)\/graphql/;

/** Starts `start` and waits (longer than a plain start: the demo screen is generated first) for the demo's dashboard line. */
async function startDemo(env: Record<string, string>) {
  const server = await startCli(['start', '--port', '0'], env, LISTENING);
  const deadline = Date.now() + 300_000;
  while (!DASHBOARD.test(server.output())) {
    if (server.child.exitCode !== null || Date.now() > deadline) throw new Error(`no demo dashboard line:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return server;
}

/** `morphospace start` with the demo: screen and sweep made once; a restart continues the same sweep. */
// once per CI run: the pass against the embedded server adds nothing here but minutes
describe.skipIf(inject('embeddedDatabase'))('morphospace start: the one-command demo', () => {
  let testDatabase: TestDatabase;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'morphospace-e2e-demo-'));

  beforeAll(async () => {
    testDatabase = await createTestDatabase('e2e_demo');
  });
  afterAll(async () => {
    await testDatabase?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('generates the demo screen, queues the quick sweep, and continues it after a restart', async () => {
    const env = { DATABASE_URL: testDatabase.url, MORPHOSPACE_DATA_DIR: dataDir, MORPHOSPACE_DEMO: 'true', MORPHOSPACE_THREADS: '1', MORPHOSPACE_BACKEND: 'wasm' };
    const first = await startDemo(env);
    const [, url, sweepId] = DASHBOARD.exec(first.output())!;
    expect(first.output()).toMatch(/demo screen generated: 3168 images/);
    expect(first.output()).toMatch(new RegExp(`queued the quick sweep ${sweepId}: 16 setups and 2 baseline runs`));
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<title>morphospace dashboard<\/title>/);
    expect(await first.stop('SIGINT')).toBe(0);

    const second = await startDemo(env);
    try {
      expect(second.output()).toMatch(/demo screen present: 3168 images/);
      expect(second.output()).toContain(`continuing sweep ${sweepId}`);
      expect(DASHBOARD.exec(second.output())![2]).toBe(sweepId);
      const { body } = await graphql(DASHBOARD.exec(second.output())![1], '{ sweeps(first: 10) { totalCount } runs(first: 100) { totalCount } }');
      expect(body.data).toEqual({ sweeps: { totalCount: 1 }, runs: { totalCount: 18 } });
    } finally {
      expect(await second.stop('SIGINT')).toBe(0);
    }
  }, 400_000);
});
