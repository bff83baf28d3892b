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
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await writeDurably(temporary, data);
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}
