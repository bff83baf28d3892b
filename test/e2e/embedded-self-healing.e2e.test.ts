import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { graphql, startCli, startServer, type ServerProcess } from '../support/server-process';

const ADMIN_KEY = 'self-healing-admin-key-0123456789';
/** Generous: a restart waits for the killed server's backends to exit, then replays its WAL, on a loaded 2-core machine. */
const RECOVERY_BOUND_MS = 60_000;

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function healthStatus(url: string): Promise<number> {
  return fetch(`${url}/healthz`).then(
    (response) => response.status,
    () => 0,
  );
}

/** Issue 12: a killed embedded PostgreSQL comes back without a person, and the processes on it work again. */
// its own embedded server in a fresh data dir, whatever the run's database: once per CI run is enough
describe.skipIf(inject('embeddedDatabase'))('the embedded database after kill -9 of its postmaster', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'morphospace-e2e-heal-'));
  // mkdtemp makes 0700; the postgres user (when tests run as root) must traverse it
  fs.chmodSync(dataDir, 0o755);
  const clusterDir = path.join(dataDir, 'postgres');
  const env = { DATABASE_URL: undefined, MORPHOSPACE_DATA_DIR: dataDir, MORPHOSPACE_ADMIN_KEY: ADMIN_KEY, MORPHOSPACE_BACKEND: 'wasm', MORPHOSPACE_THREADS: '1' };
  const started: ServerProcess[] = [];

  afterAll(async () => {
    // sharers first: the owner stops the database as it exits
    for (const child of started.reverse()) await child.stop('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** The live postmaster of this test's cluster: its pid from postmaster.pid, checked against its command line. */
  function postmaster(): number | undefined {
    const pid = Number(fs.readFileSync(path.join(clusterDir, 'postmaster.pid'), { encoding: 'utf8', flag: 'r' }).split('\n')[0]);
    try {
      // only ever the server this test's processes started: its -D is this test's data dir
      const commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return commandLine.includes(clusterDir) && !state.slice(state.lastIndexOf(')') + 2).startsWith('Z') ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  function livePostmasterOtherThan(killed: number): number | undefined {
    try {
      const pid = postmaster();
      return pid !== undefined && pid !== killed ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  it('is restarted by its owner: /healthz answers 200 again and a job queued during the outage runs', async () => {
    const server = await startServer(['serve', '--port', '0'], env);
    started.push(server);
    const worker = await startCli(['worker'], env, /worker ready/);
    started.push(worker);
    expect(await healthStatus(server.url)).toBe(200);

    const killed = postmaster()!;
    expect(killed).toBeGreaterThan(0);
    const killedAt = Date.now();
    process.kill(killed, 'SIGKILL');

    // the client retries its mutation until the API takes it: queued as soon as the database is back
    const queued = until(
      'generateScreen to be accepted',
      async () => {
        const answer = await graphql(server.url, 'mutation { generateScreen(preset: "tiny", seed: 5, name: "after-outage") { jobId } }', { key: ADMIN_KEY }).catch(() => undefined);
        return answer?.body.data?.generateScreen?.jobId as string | undefined;
      },
      RECOVERY_BOUND_MS,
    );
    await until('/healthz 200 on a new postmaster', async () => (livePostmasterOtherThan(killed) !== undefined && (await healthStatus(server.url)) === 200 ? true : undefined), RECOVERY_BOUND_MS);
    const recoveredMs = Date.now() - killedAt;
    process.stderr.write(`embedded postgres killed -> /healthz 200 in ${recoveredMs} ms\n`);
    expect(server.output()).toMatch(/"attempt":1,"msg":"restarting embedded postgres"/);
    // /healthz can answer from the new postmaster a moment before its owner logs that it is back
    await until('the owner to log the database running again', async () => (/"msg":"embedded postgres is running again"/.test(server.output()) ? true : undefined), RECOVERY_BOUND_MS);

    expect(await queued).toEqual(expect.any(String));
    const imageCount = await until(
      'the worker to generate and register the screen',
      async () => {
        const answer = await graphql(server.url, '{ screens(first: 10) { edges { node { name imageCount } } } }', { key: ADMIN_KEY });
        return (answer.body.data?.screens.edges as Array<{ node: { name: string; imageCount: number } }> | undefined)?.find((edge) => edge.node.name === 'after-outage')?.node.imageCount;
      },
      120_000,
    );
    expect(imageCount).toBe(144);
  }, 300_000);

  it('is restarted by a sharer once its owner is gone too', async () => {
    const [server, worker] = started.splice(0, 2);
    expect(await server.stop('SIGKILL')).toBe(null);
    // the worker finds the owner gone and takes the server over
    const owner = () => fs.readFileSync(path.join(dataDir, 'postgres.owner'), { encoding: 'utf8', flag: 'r' });
    await until('the worker to own the database', () => (owner() === String(worker.child.pid) ? true : undefined), RECOVERY_BOUND_MS);
    started.push(worker);

    const killed = postmaster()!;
    process.kill(killed, 'SIGKILL');
    await until('a new postmaster', () => livePostmasterOtherThan(killed), RECOVERY_BOUND_MS);
    expect(worker.output()).toMatch(/this process owns it now/);

    const again = await startServer(['serve', '--port', '0'], env);
    started.push(again);
    expect(await healthStatus(again.url)).toBe(200);
    const keys = await graphql(again.url, 'mutation { createApiKey(role: READER, name: "after") { apiKey { id } } }', { key: ADMIN_KEY });
    expect(keys.body.errors).toBeUndefined();
  }, 300_000);
});
