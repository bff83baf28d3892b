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
