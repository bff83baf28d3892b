import fs from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from './usage-error';

/** An --out file as an absolute path, refused (exit 2) before any work when its directory does not exist. */
export async function outputFile(out: string): Promise<string> {
  const resolved = path.resolve(out);
  const stat = await fs.stat(path.dirname(resolved)).catch(() => undefined);
  if (!stat?.isDirectory()) throw new UsageError(`--out: the directory ${path.dirname(resolved)} does not exist`);
  return resolved;
}
