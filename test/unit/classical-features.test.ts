import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GreyImage } from '../../src/data/crops/sharp-image.adapter';
import { decodeGrey } from '../../src/data/crops/sharp-image.adapter';
import { parseManifest, type ManifestRow } from '../../src/data/manifest.codec';
import { generateScreen } from '../../src/data/synthetic/screen.generator';
import {
  CLASSICAL_FEATURES,
  GroupStandardizer,
  extractClassicalFeatures,
  standardizeByGroup,
} from '../../src/embedding/classical/classical-features';

function feature(values: Float32Array, name: string): number {
  const index = CLASSICAL_FEATURES.findIndex((spec) => spec.name === name);
  if (index < 0) throw new Error(`no feature ${name}`);
  return values[index];
}

/** A dark field with the pixels inside `inside(x, y)` at grey 200. */
function drawn(size: number, inside: (x: number, y: number) => boolean): GreyImage {
  const data = new Uint8Array(size * size).fill(20);
  for (let y = 0; y < size; y += 1) for (let x = 0; x < size; x += 1) if (inside(x, y)) data[y * size + x] = 200;
  return { data, width: size, height: size };
}

describe('CLASSICAL_FEATURES', () => {
  it('names each column once, CellProfiler-style', () => {
    const names = CLASSICAL_FEATURES.map((spec) => spec.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(40);
    for (const spec of CLASSICAL_FEATURES) expect(spec.name.startsWith(`${spec.group}_`)).toBe(true);
  });
});

describe('extractClassicalFeatures on hand-made images', () => {
  it('gives a blank image no objects and finite, documented values', () => {
    const values = extractClassicalFeatures({ data: new Uint8Array(64 * 64), width: 64, height: 64 });
    expect(values.length).toBe(CLASSICAL_FEATURES.length);
    expect([...values].every(Number.isFinite)).toBe(true);
    expect(feature(values, 'Count_Objects')).toBe(0);
    expect(feature(values, 'Count_Nuclei')).toBe(0);
    expect(feature(values, 'AreaShape_MeanArea')).toBe(0);
    expect(feature(values, 'Intensity_ForegroundShare')).toBe(0);
    expect(feature(values, 'Neighbors_MeanNearestNeighbourDistance')).toBeCloseTo(Math.hypot(64, 64), 4);
  });

  it('measures a disk of radius r: area pi r^2, form factor ~1, eccentricity ~0', () => {
    const r = 20;
    const values = extractClassicalFeatures(drawn(128, (x, y) => (x - 64) ** 2 + (y - 60) ** 2 <= r * r));
    expect(feature(values, 'Count_Objects')).toBe(1);
    expect(feature(values, 'AreaShape_MeanArea') / (Math.PI * r * r)).toBeCloseTo(1, 1);
    expect(Math.abs(feature(values, 'AreaShape_MeanArea') - Math.PI * r * r)).toBeLessThan(0.02 * Math.PI * r * r);
    expect(Math.abs(feature(values, 'AreaShape_MeanFormFactor') - 1)).toBeLessThan(0.06);
    expect(feature(values, 'AreaShape_MeanEccentricity')).toBeLessThan(0.05);
    expect(Math.abs(feature(values, 'AreaShape_MeanMajorAxisLength') - 2 * r)).toBeLessThan(0.5);
    expect(feature(values, 'Intensity_MeanObjectIntensity')).toBeCloseTo(200 / 255, 5);
    expect(feature(values, 'Intensity_ForegroundShare')).toBeCloseTo(feature(values, 'AreaShape_MeanArea') / (128 * 128), 5);
  });

  it('measures a rotated ellipse: axes 2a and 2b, eccentricity sqrt(1 - b^2/a^2)', () => {
    const [a, b, theta] = [30, 15, Math.PI / 6];
    const values = extractClassicalFeatures(
      drawn(128, (x, y) => {
        const u = (x - 64) * Math.cos(theta) + (y - 64) * Math.sin(theta);
        const v = -(x - 64) * Math.sin(theta) + (y - 64) * Math.cos(theta);
        return (u / a) ** 2 + (v / b) ** 2 <= 1;
      }),
    );
    expect(feature(values, 'Count_Objects')).toBe(1);
    expect(Math.abs(feature(values, 'AreaShape_MeanEccentricity') - Math.sqrt(1 - (b * b) / (a * a)))).toBeLessThan(0.01);
    expect(Math.abs(feature(values, 'AreaShape_MeanMajorAxisLength') - 2 * a)).toBeLessThan(0.5);
    expect(Math.abs(feature(values, 'AreaShape_MeanMinorAxisLength') - 2 * b)).toBeLessThan(0.5);
    expect(feature(values, 'AreaShape_MeanFormFactor')).toBeLessThan(0.9);
  });

  it('counts separate objects, drops specks and finds the nearest neighbours', () => {
    const centres = [
      [30, 30],
      [30, 90],
      [90, 30],
    ];
    const values = extractClassicalFeatures(
      drawn(128, (x, y) => centres.some(([cx, cy]) => (x - cx) ** 2 + (y - cy) ** 2 <= 64) || (x === 110 && y === 110)),
    );
    expect(feature(values, 'Count_Objects')).toBe(3);
    expect(feature(values, 'Neighbors_MeanNearestNeighbourDistance')).toBeCloseTo(60, 4);
  });

  it('gives the percentiles of a known ramp as numpy does', () => {
    const ramp = { data: Uint8Array.from({ length: 256 }, (_, i) => i), width: 256, height: 1 };
    const values = extractClassicalFeatures(ramp);
    for (const p of [5, 25, 50, 75, 95, 99]) expect(feature(values, `Intensity_Percentile_${p}`)).toBeCloseTo(p / 100, 6);
    expect(feature(values, 'Intensity_MeanIntensity')).toBeCloseTo(0.5, 6);
    expect(feature(values, 'Intensity_Skewness')).toBeCloseTo(0, 6);
    // uniform distribution: excess kurtosis -6/5 (discrete 256 levels: -6(n^2+1)/(5(n^2-1)))
    expect(feature(values, 'Intensity_Kurtosis')).toBeCloseTo((-6 * (256 ** 2 + 1)) / (5 * (256 ** 2 - 1)), 5);
  });

  it('gives a 2-level checkerboard its known co-occurrence features', () => {
    const size = 32;
    const data = Uint8Array.from({ length: size * size }, (_, i) => (((i % size) + Math.floor(i / size)) % 2 === 0 ? 0 : 255));
    const values = extractClassicalFeatures({ data, width: size, height: size });
    for (const d of [1, 3]) {
      // odd distances: horizontal and vertical neighbours always differ (levels 0 and 15), diagonal ones never
      expect(feature(values, `Texture_Contrast_d${d}`)).toBeCloseTo((15 * 15) / 2, 5);
      expect(feature(values, `Texture_AngularSecondMoment_d${d}`)).toBeCloseTo(0.5, 6);
      expect(feature(values, `Texture_Entropy_d${d}`)).toBeCloseTo(1, 5);
      expect(feature(values, `Texture_Correlation_d${d}`)).toBeCloseTo(0, 6);
      expect(feature(values, `Texture_InverseDifferenceMoment_d${d}`)).toBeCloseTo((1 / (1 + 225) + 1) / 2, 6);
    }
    expect(feature(values, 'Intensity_ForegroundShare')).toBeCloseTo(0.5, 6);
  });
});

describe('standardizeByGroup', () => {
  const groups = ['A', 'A', 'A', 'B', 'B', 'B', 'B'];
  const rows = [
    [1, 5, 10],
    [2, 5, 20],
    [3, 5, 60],
    [100, 7, -1],
    [300, 7, -2],
    [200, 7, -3],
    [400, 7, -4],
  ];

  it('gives every feature mean 0 and population sd 1 within each group, 0 for a constant feature', () => {
    const standardized = standardizeByGroup(groups, rows);
    for (const group of ['A', 'B']) {
      const members = standardized.filter((_, i) => groups[i] === group);
      for (const f of [0, 2]) {
        const column = members.map((row) => row[f]);
        const mean = column.reduce((s, v) => s + v, 0) / column.length;
        const variance = column.reduce((s, v) => s + (v - mean) ** 2, 0) / column.length;
        expect(mean).toBeCloseTo(0, 6);
        expect(variance).toBeCloseTo(1, 5);
      }
      for (const row of members) expect(row[1]).toBe(0);
    }
    expect(standardized[0][0]).toBeCloseTo(-Math.sqrt(1.5), 5);
  });

  it('streams: two passes over images one at a time give the same z-scores', () => {
    const standardizer = new GroupStandardizer(3);
    rows.forEach((row, i) => standardizer.accumulate(groups[i], row));
    const streamed = rows.map((row, i) => standardizer.standardize(groups[i], row));
    expect(streamed).toEqual(standardizeByGroup(groups, rows));
    expect(() => standardizer.standardize('C', rows[0])).toThrow(/never accumulated/);
    expect(() => standardizer.accumulate('A', [1, 2])).toThrow(/expected 3 features/);
  });
});

describe('classical features on a tiny synthetic screen', () => {
  const dir = mkdtempSync(join(tmpdir(), 'morphospace-classical-'));
  let rows: ManifestRow[] = [];
  let standardized: Float32Array[] = [];

  beforeAll(async () => {
    await generateScreen({ preset: 'tiny', seed: 5, outDir: dir });
    rows = parseManifest(readFileSync(join(dir, 'manifest.csv'), 'utf8'));
    const features = await Promise.all(rows.map(async (row) => extractClassicalFeatures(await decodeGrey(join(dir, row.path)))));
    standardized = standardizeByGroup(
      rows.map((row) => row.cellLine),
      features,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Per cell line: mean distance of `treated` images to the DMSO centroid over DMSO images' leave-one-out distance to it. */
  function separation(isTreated: (row: ManifestRow) => boolean): number[] {
    return [...new Set(rows.map((row) => row.cellLine))].map((line) => {
      const dmso = standardized.filter((_, i) => rows[i].cellLine === line && rows[i].compound === 'DMSO');
      const treated = standardized.filter((_, i) => rows[i].cellLine === line && isTreated(rows[i]));
      const centroid = (vectors: Float32Array[]) => vectors[0].map((_, f) => vectors.reduce((s, v) => s + v[f], 0) / vectors.length);
      const distance = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, v, f) => s + (v - b[f]) ** 2, 0));
      const all = centroid(dmso);
      const treatedDistance = treated.reduce((s, v) => s + distance(v, all), 0) / treated.length;
      const dmsoDistance = dmso.reduce((s, v, k) => s + distance(v, centroid(dmso.filter((_, j) => j !== k))), 0) / dmso.length;
      return treatedDistance / dmsoDistance;
    });
  }

  const topDose = (compound: string) => Math.max(...rows.filter((row) => row.compound === compound).map((row) => row.concentration));
  const median = (values: number[]) => [...values].sort((x, y) => x - y)[values.length >> 1];

  it('places a strong drug top dose further from DMSO than DMSO images are from each other', () => {
    // seed 5 gave the taxanes 1.6-2.6 per cell line; the barely-acting Metformin 0.9-1.0, which fails this bound
    for (const compound of ['Paclitaxel', 'Docetaxel']) {
      const top = topDose(compound);
      for (const ratio of separation((row) => row.compound === compound && row.concentration === top)) expect(ratio).toBeGreaterThan(1.5);
    }
  });

  it('keeps a barely-acting drug about as close to DMSO as DMSO itself', () => {
    const top = topDose('Metformin');
    expect(median(separation((row) => row.compound === 'Metformin' && row.concentration === top))).toBeLessThan(1.25);
  });
});
