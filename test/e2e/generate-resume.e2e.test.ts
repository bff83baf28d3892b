import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';

const CLI = path.join(__dirname, '..', '..', 'bin', 'morphospace.js');
/** The large preset's 21 lines, 31 drugs and controls, at one dose, one replicate and 3 sites of 64 px: 2,709 images. */
const SMALL_LARGE = ['generate', '--preset', 'large', '--seed', '3', '--concentrations', '1', '--replicates', '1', '--sites', '3', '--image-size', '64'];
const IMAGES = 2709;

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function generate(out: string, extra: string[] = [], killWhen?: () => Promise<boolean>): Promise<Finished> {
  const child = spawn(process.execPath, [CLI, ...SMALL_LARGE, ...extra, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Finished>((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  if (killWhen) {
    const poll = async (): Promise<void> => {
      if (child.exitCode !== null) return;
      if (await killWhen()) child.kill('SIGKILL');
      else setTimeout(() => void poll(), 10);
    };
    void poll();
  }
  return exited;
}

/** Every file of a directory with its sha256, by relative path. */
async function hashes(root: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const entry of await fs.readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    result[path.relative(root, file)] = createHash('sha256').update(await fs.readFile(file)).digest('hex');
  }
  return result;
}

async function manifestLines(out: string): Promise<number> {
  const text = await fs.readFile(path.join(out, 'manifest.csv'), 'utf8').catch(() => '');
  return text.split('\n').length - 1;
}

// once per CI run: it needs no database, so the embedded pass adds nothing
describe.skipIf(inject('embeddedDatabase'))('generate --preset large: killed, then resumed', () => {
  const work = fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-e2e-generate-'));
  afterAll(async () => fs.rm(await work, { recursive: true, force: true }));

  it('continues where the killed call stopped and ends with the bytes of an uninterrupted call', async () => {
    const root = await work;
    const whole = path.join(root, 'whole');
    const resumed = path.join(root, 'resumed');
    const uninterrupted = await generate(whole);
    expect(uninterrupted.code, uninterrupted.stderr).toBe(0);
    expect(JSON.parse(uninterrupted.stdout)).toMatchObject({ images: IMAGES, resumed: 0 });

    const killed = await generate(resumed, [], async () => (await manifestLines(resumed)) > 300);
    expect(killed.code).toBe(null);
    const second = await generate(resumed);
    expect(second.code, second.stderr).toBe(0);
    const summary = JSON.parse(second.stdout) as { images: number; resumed: number };
    expect(summary.images).toBe(IMAGES);
    // it kept what the killed call finished, and did not start over
    expect(summary.resumed).toBeGreaterThan(0);
    expect(summary.resumed).toBeLessThan(IMAGES);
    expect(await hashes(resumed)).toEqual(await hashes(whole));
    console.log(JSON.stringify({ generateResume: { images: IMAGES, killedAfter: summary.resumed } }));
  }, 300_000);

  it('refuses, with exit code 2, to resume a directory holding a screen of other settings', async () => {
    const out = path.join(await work, 'other');
    expect((await generate(out, ['--limit', '10'])).code).toBe(0);
    const other = spawn(process.execPath, [CLI, 'generate', '--preset', 'large', '--seed', '4', '--concentrations', '1', '--replicates', '1', '--sites', '3', '--image-size', '64', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    other.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => other.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/holds a screen generated with other settings \(preset large, seed 3/);
  }, 120_000);
});
