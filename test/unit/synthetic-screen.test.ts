import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePngGrey } from '../../src/data/crops/png-grey.decoder';
import { MANIFEST_COLUMNS, parseManifest } from '../../src/data/manifest.codec';
import { CELL_LINES } from '../../src/data/synthetic/cell-line.catalog';
import { CHANNEL_DRUGS, COMPOUNDS, DRUGS, compoundByName, doseLadder } from '../../src/data/synthetic/compound.catalog';
import type { GroundTruth } from '../../src/data/synthetic/ground-truth.builder';
import { imageCount } from '../../src/data/synthetic/plate.layout';
import { encodeGreyPng } from '../../src/data/synthetic/png.encoder';
import { generateScreen } from '../../src/data/synthetic/screen.generator';
import { TINY_PRESET, largePreset } from '../../src/data/synthetic/screen.presets';
import { compoundEffect, treatmentTruth } from '../../src/data/synthetic/treatment.model';

const root = mkdtempSync(join(tmpdir(), 'morphospace-synthetic-'));
const dirA = join(root, 'a');
const dirB = join(root, 'b');
const dirC = join(root, 'c');

function hashes(dir: string): Map<string, string> {
  const result = new Map<string, string>();
  const walk = (current: string): void => {
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else result.set(relative(dir, path), createHash('sha256').update(readFileSync(path)).digest('hex'));
    }
  };
  walk(dir);
  return result;
}

/** Otsu's threshold: the foreground measure must not depend on a hand-picked grey level. */
function otsu(pixels: Uint8Array): number {
  const histogram = new Array<number>(256).fill(0);
  for (const value of pixels) histogram[value] += 1;
  let total = 0;
  for (let i = 0; i < 256; i += 1) total += i * histogram[i];
  let weightBack = 0;
  let sumBack = 0;
  let best = -1;
  let threshold = 0;
  for (let t = 0; t < 256; t += 1) {
    weightBack += histogram[t];
    if (weightBack === 0) continue;
    const weightFore = pixels.length - weightBack;
    if (weightFore === 0) break;
    sumBack += t * histogram[t];
    const between = weightBack * weightFore * (sumBack / weightBack - (total - sumBack) / weightFore) ** 2;
    if (between > best) {
      best = between;
      threshold = t;
    }
  }
  return threshold;
}

beforeAll(async () => {
  await generateScreen({ preset: 'tiny', seed: 7, outDir: dirA });
  await generateScreen({ preset: 'tiny', seed: 7, outDir: dirB });
  await generateScreen({ preset: 'tiny', seed: 8, outDir: dirC });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('generateScreen', () => {
  it('writes identical files for the same preset and seed', () => {
    const a = hashes(dirA);
    const b = hashes(dirB);
    // the images, manifest.csv, ground-truth.json and generation.json (what a resumed call checks)
    expect(a.size).toBe(imageCount(TINY_PRESET) + 3);
    expect([...a.entries()].sort()).toEqual([...b.entries()].sort());
  });

  it('writes different images for another seed', () => {
    const a = hashes(dirA);
    const c = hashes(dirC);
    const path = 'images/R1P1/A01_s1.png';
    expect(c.get(path)).toBeDefined();
    expect(c.get(path)).not.toBe(a.get(path));
    const differing = [...a.keys()].filter((key) => key.endsWith('.png') && a.get(key) !== c.get(key));
    expect(differing.length).toBe(imageCount(TINY_PRESET));
  });

  it('writes a manifest with the documented columns, one row per image, and the files it names', () => {
    const text = readFileSync(join(dirA, 'manifest.csv'), 'utf8');
    expect(text.split('\n')[0]).toBe(MANIFEST_COLUMNS.join(','));
    const rows = parseManifest(text);
    expect(rows).toHaveLength(imageCount(TINY_PRESET));
    expect(new Set(rows.map((row) => row.plate)).size).toBeGreaterThanOrEqual(2);
    const dmso = rows.find((row) => row.compound === 'DMSO');
    expect(dmso).toMatchObject({ control: true, concentration: 0, moa: 'control' });
    const mtx = rows.find((row) => row.compound === 'Methotrexate');
    expect(mtx).toMatchObject({ control: false, moa: 'antifolate' });
    for (const row of rows.slice(0, 5)) expect(statSync(join(dirA, row.path)).size).toBeGreaterThan(100);
  });

  it('records MoA per compound and shared MoAs for the reference pairs', () => {
    const truth = JSON.parse(readFileSync(join(dirA, 'ground-truth.json'), 'utf8')) as GroundTruth;
    expect(truth.compounds.Methotrexate.moa).toBe('antifolate');
    expect(truth.compounds.Pemetrexed.moa).toBe('antifolate');
    expect(truth.compounds.Paclitaxel.moa).toBe(truth.compounds.Docetaxel.moa);
    const antifolates = truth.moas.find((moa) => moa.name === 'antifolate');
    expect(antifolates?.compounds.sort()).toEqual(['Methotrexate', 'Pemetrexed']);
  });

  it('changes the mean foreground area against DMSO in the direction the ground truth says, in every cell line', async () => {
    const truth = JSON.parse(readFileSync(join(dirA, 'ground-truth.json'), 'utf8')) as GroundTruth;
    const rows = parseManifest(readFileSync(join(dirA, 'manifest.csv'), 'utf8'));
    const area = new Map<string, number[]>();
    for (const row of rows) {
      const image = await decodePngGrey(readFileSync(join(dirA, row.path)));
      if (!image) throw new Error('not a grey PNG');
      const threshold = otsu(image.data);
      let foreground = 0;
      for (const value of image.data) if (value > threshold) foreground += 1;
      const key = `${row.cellLine}|${row.compound}|${row.concentration}`;
      area.set(key, [...(area.get(key) ?? []), foreground / image.data.length]);
    }
    const mean = (values: number[] | undefined): number => {
      if (!values?.length) throw new Error('no images');
      return values.reduce((a, b) => a + b, 0) / values.length;
    };
    for (const line of TINY_PRESET.cellLines) {
      const control = mean(area.get(`${line}|DMSO|0`));
      for (const compound of ['Methotrexate', 'Paclitaxel']) {
        const top = Math.max(...truth.compounds[compound].concentrations);
        const expected = truth.treatments.find((t) => t.cellLine === line && t.compound === compound && t.concentration === top);
        const treated = mean(area.get(`${line}|${compound}|${top}`));
        expect(expected?.foregroundDirection, `${line} ${compound}`).not.toBe('none');
        if (expected?.foregroundDirection === 'increase') expect(treated, `${line} ${compound}`).toBeGreaterThan(control * 1.15);
        else expect(treated, `${line} ${compound}`).toBeLessThan(control * 0.85);
      }
    }
  });
});

describe('ground truth over the whole catalog', () => {
  it('makes Methotrexate shrink and Paclitaxel grow the foreground in all 21 cell lines at the top dose', () => {
    const mtx = compoundByName('Methotrexate');
    const ptx = compoundByName('Paclitaxel');
    expect(CELL_LINES).toHaveLength(21);
    for (const line of CELL_LINES) {
      for (const seed of [1, 2, 3]) {
        const down = treatmentTruth(line, mtx, compoundEffect(mtx, seed), mtx.topDose);
        const up = treatmentTruth(line, ptx, compoundEffect(ptx, seed), ptx.topDose);
        expect(down.foregroundDirection, line.name).toBe('decrease');
        expect(up.foregroundDirection, line.name).toBe('increase');
      }
    }
  });

  it('gives controls no effect and a rising dose-response to drugs', () => {
    const dmso = compoundByName('DMSO');
    const line = CELL_LINES[0];
    expect(treatmentTruth(line, dmso, compoundEffect(dmso, 1), 0).effectSize).toBe(0);
    const mtx = compoundByName('Methotrexate');
    const sizes = doseLadder(mtx, 5).map((dose) => treatmentTruth(line, mtx, compoundEffect(mtx, 1), dose).effectSize);
    for (let i = 1; i < sizes.length; i += 1) expect(sizes[i]).toBeGreaterThan(sizes[i - 1]);
  });

  it('covers the reference study: 31 drugs and 2 controls, and a large preset near 770k images', () => {
    expect(DRUGS).toHaveLength(31);
    expect(COMPOUNDS.filter((c) => !c.control)).toHaveLength(31 + CHANNEL_DRUGS.length);
    expect(COMPOUNDS.filter((c) => c.control).map((c) => c.name)).toEqual(['DMSO', 'PBS']);
    const count = imageCount(largePreset());
    expect(count).toBeGreaterThan(700_000);
    expect(count).toBeLessThan(850_000);
  });
});

describe('grey PNG codec', () => {
  it('round-trips pixels through the encoder and the fast decoder', async () => {
    const pixels = new Uint8Array(37 * 23).map((_, i) => (i * 31) % 256);
    const decoded = await decodePngGrey(encodeGreyPng(pixels, 37, 23));
    expect(decoded?.width).toBe(37);
    expect(decoded?.height).toBe(23);
    expect(Buffer.from(decoded?.data ?? []).equals(Buffer.from(pixels))).toBe(true);
  });
});
