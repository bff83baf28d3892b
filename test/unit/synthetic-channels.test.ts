import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateScreen } from '../../src/data/synthetic/screen.generator';

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'morphospace-channels-'));
  roots.push(root);
  return root;
}

/** sha256 over every file's relative path and bytes, in sorted order. */
function treeHash(dir: string): string {
  const files: string[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(dir);
  const hash = createHash('sha256');
  for (const path of files.sort()) hash.update(relative(dir, path)).update(readFileSync(path));
  return hash.digest('hex');
}

describe('generate without channels', () => {
  it('writes the bytes it wrote before screens had channels', async () => {
    const root = tempRoot();
    await generateScreen({ preset: 'tiny', seed: 3, outDir: root, limit: 12 });
    expect(treeHash(root)).toBe('7c0c630ed4e841e5bb67637bf9c1573adff5262660094e1fb665187f57ecff82');
  });
});
