import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = path.join(__dirname, '..', '..', 'bin', 'morphospace.js');

/** Runs the built CLI to its end. */
function run(args: string[], env: Record<string, string | undefined>) {
  const result = spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: undefined, LOG_LEVEL: 'info', ...env }, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

/** A tmpfs of our own, where the machine lets root mount one: a real read-only or full file system. */
function mountTmpfs(dir: string, options: string): boolean {
  fs.mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function expectOneLineFailure(result: { status: number | null; stderr: string }, message: RegExp): void {
  expect(result.status).toBe(1);
  const lines = result.stderr.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

/**
 * Issue 12: a data dir the process cannot write gives one line and exit code 1, not a stack trace.
 * Tests run as root, whom a chmod does not stop: the data dir lies below a regular file (ENOTDIR)
 * everywhere, and on a read-only and on a full tmpfs where mounting is allowed.
 */
describe('a data dir that cannot be written', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'morphospace-e2e-datadir-'));
  const file = path.join(work, 'a-file');
  fs.writeFileSync(file, 'not a directory');
  const readOnly = path.join(work, 'read-only');
  const full = path.join(work, 'full');
  const mounted = mountTmpfs(readOnly, 'ro,size=1m') && mountTmpfs(full, 'size=256k');

  afterAll(() => {
    for (const dir of [readOnly, full]) spawnSync('umount', [dir], { stdio: 'ignore' });
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('below a regular file: the embedded database cannot be made, nor a generated screen', () => {
    expectOneLineFailure(run(['migrate'], { MORPHOSPACE_DATA_DIR: path.join(file, 'data') }), /^morphospace: cannot mkdir .*a-file\/data: not a directory \(ENOTDIR\)$/);
    expectOneLineFailure(run(['generate', '--preset', 'tiny', '--out', path.join(file, 'screen')], {}), /^morphospace: cannot mkdir .*a-file\/screen: not a directory \(ENOTDIR\)$/);
  });

  it.runIf(mounted)('on a read-only file system', () => {
    expectOneLineFailure(run(['serve', '--port', '0'], { MORPHOSPACE_DATA_DIR: readOnly }), /^morphospace: cannot open .*postgres\.lock: read-only file system \(EROFS\)$/);
  });

  it.runIf(mounted)('on a full file system, leaving no lock file behind', () => {
    // fill it: the write stops at the size limit
    spawnSync('sh', ['-c', `head -c 1048576 /dev/zero > ${path.join(full, 'filler')}`], { stdio: 'ignore' });
    expectOneLineFailure(run(['keys', 'list'], { MORPHOSPACE_DATA_DIR: full }), /^morphospace: cannot write: no space left on device \(ENOSPC\)$/);
    expect(fs.existsSync(path.join(full, 'postgres.lock'))).toBe(false);
    // a second try fails the same way at once rather than waiting on a lock nobody holds
    expectOneLineFailure(run(['keys', 'list'], { MORPHOSPACE_DATA_DIR: full }), /ENOSPC/);
  });
});
