import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServer } from '../support/server-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** Parent pid and process group of a process, from /proc (undefined once it is gone). */
function statOf(pid: number | string): { parent: number; group: number } | undefined {
  try {
    // the command name (2nd field) may hold spaces: state, parent and group follow its closing parenthesis
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [, parent, group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { parent: Number(parent), group: Number(group) };
  } catch {
    return undefined;
  }
}

/** The pids of a process's children. */
function childrenOf(pid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name) && statOf(name)?.parent === pid)
    .map(Number);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** `start` runs its workers as child processes: restarted when one dies, gone when `start` is. */
// once per CI run: the embedded pass adds nothing here
describe.skipIf(inject('embeddedDatabase'))('morphospace start: worker processes', () => {
  let testDatabase: TestDatabase;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'morphospace-e2e-workers-'));

  beforeAll(async () => {
    testDatabase = await createTestDatabase('e2e_workers');
  });
  afterAll(async () => {
    await testDatabase?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts a worker again when one dies, and its workers stop when it is killed with -9', async () => {
    const env = { DATABASE_URL: testDatabase.url, MORPHOSPACE_DATA_DIR: dataDir };
    const server = await startServer(['start', '--port', '0', '--workers', '2'], env);
    const pid = server.child.pid!;
    const [first, second] = await until('two workers', () => (childrenOf(pid).length === 2 ? childrenOf(pid) : undefined));
    // Ctrl-C in a terminal signals the foreground process group: it must reach `start` alone
    expect([statOf(first)!.group, statOf(second)!.group]).not.toContain(statOf(pid)!.group);

    process.kill(first, 'SIGKILL');
    const replacement = await until('a new worker', () => childrenOf(pid).find((child) => child !== first && child !== second));
    expect(childrenOf(pid).sort()).toEqual([second, replacement].sort());
    const ready = new RegExp(`"pid":${replacement},[^\\n]*"msg":"worker ready"`);
    await until('the replacement to be ready', () => (ready.test(server.output()) ? true : undefined));

    expect(await server.stop('SIGKILL')).toBe(null);
    await until('the orphaned workers to stop', () => (!alive(second) && !alive(replacement) ? true : undefined));
  }, 120_000);

  it('its workers stop when it is killed with -9 while they are still starting', async () => {
    const server = await startServer(['start', '--port', '0', '--workers', '2'], { DATABASE_URL: testDatabase.url, MORPHOSPACE_DATA_DIR: dataDir });
    const workers = childrenOf(server.child.pid!);
    expect(workers).toHaveLength(2);
    expect(await server.stop('SIGKILL')).toBe(null);
    await until('the orphaned workers to stop', () => (workers.every((pid) => !alive(pid)) ? true : undefined));
  }, 120_000);
});
