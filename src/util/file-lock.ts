import fs from 'node:fs/promises';
import { isProcessAlive } from './process-alive';

const RETRY_MILLISECONDS = 100;

/**
 * Runs `action` while holding an exclusive lock file between processes. A lock whose
 * holder has died (kill -9) is taken over rather than waited on forever.
 */
export async function withFileLock<T>(lockFile: string, action: () => Promise<T>, timeoutMilliseconds = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMilliseconds;
  for (;;) {
    try {
      await fs.writeFile(lockFile, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        // created but not written (a full disk): left empty, it would look held by a starting process forever
        await fs.rm(lockFile, { force: true }).catch(() => undefined);
        throw error;
      }
      if (!(await holderIsAlive(lockFile))) {
        await fs.rm(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${lockFile}`);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MILLISECONDS));
    }
  }
  try {
    return await action();
  } finally {
    await fs.rm(lockFile, { force: true });
  }
}

async function holderIsAlive(lockFile: string): Promise<boolean> {
  const pid = Number(await fs.readFile(lockFile, 'utf8').catch(() => ''));
  // an empty file is a lock being written right now
  if (!Number.isInteger(pid) || pid <= 0) return true;
  return isProcessAlive(pid);
}
