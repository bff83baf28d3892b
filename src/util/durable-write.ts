import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';

/** Writes a file and flushes it to disk, so a rename that follows publishes complete data. */
export async function writeDurably(file: string, data: Buffer): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `file` with `data` all at once: written durably to a temporary file beside it, then
 * renamed over it, so a reader never sees half a file; a failed write leaves no temporary behind.
 */
export async function replaceFile(file: string, data: Buffer): Promise<void> {
  await replaceFileStreaming(file, (handle) => handle.writeFile(data));
}

/**
 * `replaceFile` for data too large to hold: `write` streams into the open temporary file, which
 * is flushed and renamed over `file` only when it resolves. A process killed meanwhile leaves at
 * most the temporary (`<file>.<pid>.<random>.tmp`), never a partial `file`. The random part lets
 * two writers of one file in one process each have their own temporary.
 */
export async function replaceFileStreaming<T>(file: string, write: (handle: fs.FileHandle) => Promise<T>): Promise<T> {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await fs.open(temporary, 'w');
    let result: T;
    try {
      result = await write(handle);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, file);
    return result;
  } catch (error) {
    await fs.rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}
