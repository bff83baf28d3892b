import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHANNEL_PARAMETER_DOCS, CHANNEL_PARAMETERS, parseSyntheticChannels } from '../../src/data/synthetic/channel.catalog';
import type { GroundTruth } from '../../src/data/synthetic/ground-truth.builder';
import { generateScreen } from '../../src/data/synthetic/screen.generator';
import { GENERATION_FILE } from '../../src/data/synthetic/generation.journal';
import { decodeGrey } from '../../src/data/crops/sharp-image.adapter';
import { parseGenerateOptions } from '../../src/cli/generate.command';

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
      // the resume record (generation.journal.ts) came later and is bookkeeping, not the screen
      else if (name !== GENERATION_FILE) files.push(path);
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

describe('generate --channels dna,tubulin,actin', () => {
  const root = tempRoot();
  let truth: GroundTruth;
  let lines: string[][];

  it('writes one PNG per channel, of the same size, named in FileName_/PathName_ columns', async () => {
    const summary = await generateScreen({ preset: 'tiny', seed: 5, outDir: root, limit: 24, channels: ['dna', 'tubulin', 'actin'] });
    expect(summary.channels).toEqual(['dna', 'tubulin', 'actin']);
    const [header, ...rows] = readFileSync(join(root, 'manifest.csv'), 'utf8').trim().split('\n');
    expect(header.split(',').slice(9)).toEqual(['FileName_dna', 'PathName_dna', 'FileName_tubulin', 'PathName_tubulin', 'FileName_actin', 'PathName_actin']);
    lines = rows.map((row) => row.split(','));
    expect(lines).toHaveLength(24);
    for (const fields of lines.slice(0, 4)) {
      expect(fields[0]).toBe(`${fields[10]}/${fields[9]}`);
      const planes = await Promise.all([9, 11, 13].map((column) => decodeGrey(join(root, fields[column + 1], fields[column]))));
      for (const plane of planes) expect([plane.width, plane.height]).toEqual([128, 128]);
      // the same cells, stained differently: the channels are not copies of each other
      expect(Buffer.from(planes[0].data).equals(Buffer.from(planes[1].data))).toBe(false);
      expect(Buffer.from(planes[1].data).equals(Buffer.from(planes[2].data))).toBe(false);
    }
    truth = JSON.parse(readFileSync(join(root, 'ground-truth.json'), 'utf8')) as GroundTruth;
  });

  it('says in the ground truth which channel each mechanism acts on, and changes only that channel', () => {
    const channels = truth.channels!;
    expect(channels.channels).toEqual([
      { name: 'dna', role: 'DNA' },
      { name: 'tubulin', role: 'tubulin' },
      { name: 'actin', role: 'actin' },
    ]);
    const actsOn = Object.fromEntries(channels.moas.map((moa) => [moa.name, moa.actsOn]));
    expect(actsOn['microtubule stabiliser']).toBe('tubulin');
    expect(actsOn['microtubule destabiliser']).toBe('tubulin');
    expect(actsOn['actin disruptor']).toBe('actin');
    expect(actsOn['topoisomerase I inhibitor']).toBe('dna');
    expect(actsOn.control).toBeNull();
    truth.treatments.forEach((treatment, i) => {
      const moa = truth.compounds[treatment.compound].moa;
      const target = actsOn[moa];
      const changed = CHANNEL_PARAMETERS.filter((p) => Math.abs(channels.treatments[i][p] - channels.base[p]) > 1e-9);
      for (const parameter of changed) expect(CHANNEL_PARAMETER_DOCS[parameter].channel, `${treatment.compound} ${parameter}`).toBe(target);
      if (target && treatment.effectSize > 0.5) expect(changed.length, treatment.compound).toBeGreaterThan(0);
    });
  });

  it('is reproducible, and refuses unknown or repeated channels', async () => {
    const again = tempRoot();
    await generateScreen({ preset: 'tiny', seed: 5, outDir: again, limit: 24, channels: ['dna', 'tubulin', 'actin'] });
    expect(treeHash(again)).toBe(treeHash(root));
    expect(parseSyntheticChannels('DNA, actin')).toEqual(['dna', 'actin']);
    expect(() => parseSyntheticChannels('dna,er')).toThrow(/unknown channel "er"/);
    expect(() => parseSyntheticChannels('dna,dna')).toThrow(/twice/);
    expect(() => parseGenerateOptions({ preset: 'tiny', out: '/tmp/x', channels: 'dna,golgi' })).toThrow(/--channels: unknown channel/);
  });
});
