import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { graphql } from 'graphql';
import { createRequestContext } from '../../src/api/context';
import { buildApiSchema } from '../../src/api/schema';
import { registerImportCommand } from '../../src/cli/import.command';
import { SharpImageInspector } from '../../src/data/import/image.inspector';
import { ImportRoots } from '../../src/data/import/import-roots';
import { ImportRefusedError } from '../../src/data/import/import-refused.error';
import { ScreenImportService } from '../../src/data/screen-import.service';
import { ScreenRepository } from '../../src/db/repositories/screen.repository';
import { BadUserInputError } from '../../src/errors/app-errors';
import { createLogger } from '../../src/logger';
import { createJobHandlers } from '../../workers/job-handlers';
import { openImportHarness, type ImportHarness } from '../support/import-harness';
import { MANIFEST_HEADER, writeCorruptPng, writeGreyPng, writeManifest, writeRgbPng } from '../support/screen-fixtures';

let harness: ImportHarness;

beforeAll(async () => {
  harness = await openImportHarness('import');
});

afterAll(async () => {
  await harness?.close();
});

/** A screen directory with good images on lines 2-4 and the three kinds of bad row on lines 5-7. */
async function screenWithProblems(dir: string): Promise<string> {
  await writeGreyPng(path.join(dir, 'img/a.png'), { seed: 1 });
  await writeGreyPng(path.join(dir, 'img/b.png'), { seed: 2 });
  await writeRgbPng(path.join(dir, 'img/c.png'));
  await writeCorruptPng(path.join(dir, 'img/corrupt.png'));
  await writeGreyPng(path.join(dir, 'img/e.png'), { seed: 5 });
  const manifest = path.join(dir, 'manifest.csv');
  await writeManifest(manifest, MANIFEST_HEADER, [
    ['img/a.png', 'ACHN', 'Methotrexate', 1, 'P1', 'A01', 1, 'antifolate', 'false'],
    ['img/b.png', 'ACHN', 'DMSO', 0, 'P1', 'A02', 1, '', ''],
    ['img/c.png', 'HT29', 'Pemetrexed', 10, 'P2', 'A01', 1, 'antifolate', ''],
    ['img/missing.png', 'HT29', 'Pemetrexed', 10, 'P2', 'A02', 1, 'antifolate', ''],
    ['img/corrupt.png', 'HT29', 'DMSO', 0, 'P2', 'A03', 1, '', ''],
    ['img/e.png', 'HT29', 'Paclitaxel', 'ten', 'P2', 'A04', 1, 'microtubule stabiliser', ''],
  ]);
  return manifest;
}

describe('screen import', () => {
  it('refuses a manifest with a missing file, a corrupt PNG and a non-numeric concentration, naming the lines, writing nothing', async () => {
    const dir = path.join(harness.work, 'bad');
    const manifest = await screenWithProblems(dir);
    const before = await harness.counts();

    const error = await harness.services.screens.importScreen({ name: 'bad', manifest }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadUserInputError);
    expect(error).toBeInstanceOf(ImportRefusedError);
    const refused = error as ImportRefusedError;
    expect(refused.problems.map((p) => p.line)).toEqual([5, 6, 7]);
    expect(refused.problems[0].reason).toMatch(/not found/);
    expect(refused.problems[1].reason).toMatch(/not a decodable image/);
    expect(refused.problems[2].reason).toMatch(/concentration is not a number: "ten"/);
    expect(refused.message).toMatch(/line\(s\) 5, 6, 7/);
    expect(refused.extensions.code).toBe('BAD_USER_INPUT');
    expect(await harness.counts()).toEqual(before);

    // the import command fails with the same error type, which src/cli.ts maps to exit code 2 with the message on stderr
    const program = new Command('morphospace').exitOverride();
    registerImportCommand(program);
    const fromCli = await program
      .parseAsync(['node', 'morphospace', 'import', '--manifest', manifest, '--name', 'bad', '--database-url', harness.testDatabase.url, '--log-level', 'silent'])
      .catch((e: unknown) => e);
    expect(fromCli).toBeInstanceOf(BadUserInputError);
    expect((fromCli as Error).message).toMatch(/line 5 \(img\/missing\.png\): file not found/);
    expect(await harness.counts()).toEqual(before);
  });

  it('with skipInvalid imports the valid rows in one go and reports the others; a repeat is unchanged', async () => {
    const dir = path.join(harness.work, 'skip');
    const manifest = await screenWithProblems(dir);
    const before = await harness.counts();

    const result = await harness.services.screens.importScreen({ name: 'skip', manifest, skipInvalid: true });
    expect(result.unchanged).toBe(false);
    expect(result.imported).toBe(3);
    expect(result.skipped.map((p) => p.line)).toEqual([5, 6, 7]);
    expect(result.screen.imageCount).toBe(3);
    expect(result.screen.source).toBe('import');
    expect((await harness.counts()).images).toBe(before.images + 3);

    const images = await harness.database.dataSource.query(
      `SELECT i.path, i.content_hash, c.name AS compound, c.moa, c.is_control FROM images i JOIN compounds c ON c.id = i.compound_id WHERE i.screen_id = $1 ORDER BY i.path`,
      [result.screen.id],
    );
    expect(images.map((i: { path: string }) => i.path)).toEqual(['img/a.png', 'img/b.png', 'img/c.png']);
    for (const image of images) expect(image.content_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(images.find((i: { compound: string }) => i.compound === 'DMSO').is_control).toBe(true);
    expect(images.find((i: { compound: string }) => i.compound === 'Pemetrexed').moa).toBe('antifolate');
    expect(result.screen.split).toMatchObject({ method: 'plate' });

    const afterFirst = await harness.counts();
    const again = await harness.services.screens.importScreen({ name: 'skip', manifest, skipInvalid: true });
    expect(again.unchanged).toBe(true);
    expect(again.imported).toBe(0);
    expect(again.screen.id).toBe(result.screen.id);
    expect(await harness.counts()).toEqual(afterFirst);
  });

  it('refuses the same name with different content', async () => {
    const dir = path.join(harness.work, 'changed');
    await writeGreyPng(path.join(dir, 'x.png'), { seed: 11 });
    const manifest = path.join(dir, 'manifest.csv');
    await writeManifest(manifest, MANIFEST_HEADER, [['x.png', 'ACHN', 'DMSO', 0, 'P1', 'B01', 1, '', '']]);
    await harness.services.screens.importScreen({ name: 'changed', manifest });
    await writeGreyPng(path.join(dir, 'x.png'), { seed: 12 });
    const before = await harness.counts();
    await expect(harness.services.screens.importScreen({ name: 'changed', manifest })).rejects.toThrow(/already exists with different content/);
    expect(await harness.counts()).toEqual(before);
  });

  it('reads the profiling conventions: Metadata_* columns and PathName_/FileName_', async () => {
    const dir = path.join(harness.work, 'aliases');
    await writeGreyPng(path.join(dir, 'plate1/w1.png'), { seed: 21 });
    await writeGreyPng(path.join(dir, 'plate1/w2.png'), { seed: 22 });
    const manifest = path.join(dir, 'profiles.csv');
    await writeManifest(
      manifest,
      ['Metadata_Plate', 'Metadata_Well', 'Metadata_Site', 'Metadata_pert_iname', 'Metadata_mmoles_per_liter', 'Metadata_cell_line', 'Metadata_moa', 'PathName_DNA', 'FileName_DNA'],
      [
        ['BR001', 'A01', 2, 'Alias-Drug', 3.33, 'U2OS', 'alias moa', 'plate1', 'w1.png'],
        ['BR001', 'A02', 1, 'PBS', '', 'U2OS', '', path.join(dir, 'plate1'), 'w2.png'],
      ],
    );
    const result = await harness.services.screens.importScreen({ name: 'aliases', manifest });
    expect(result.imported).toBe(2);
    const rows = await harness.database.dataSource.query(
      `SELECT i.path, i.plate, i.well, i.site, i.concentration, l.name AS cell_line, c.name AS compound, c.moa, c.is_control
         FROM images i JOIN cell_lines l ON l.id = i.cell_line_id JOIN compounds c ON c.id = i.compound_id WHERE i.screen_id = $1 ORDER BY i.path`,
      [result.screen.id],
    );
    expect(rows).toEqual([
      { path: 'plate1/w1.png', plate: 'BR001', well: 'A01', site: 2, concentration: 3.33, cell_line: 'U2OS', compound: 'Alias-Drug', moa: 'alias moa', is_control: false },
      { path: 'plate1/w2.png', plate: 'BR001', well: 'A02', site: 1, concentration: 0, cell_line: 'U2OS', compound: 'PBS', moa: null, is_control: true },
    ]);
    expect(result.screen.split).toBeNull();
  });

  it('parses file names with --pattern', async () => {
    const root = path.join(harness.work, 'pattern');
    await writeGreyPng(path.join(root, 'ACHN_x_PL7_C03_Methotrexate_0.25_1.png'), { seed: 31 });
    await writeGreyPng(path.join(root, 'ACHN_x_PL7_C04_DMSO_0_2.png'), { seed: 32 });
    await writeGreyPng(path.join(root, 'sub/HT29_y_PL8_D01_Pemetrexed_10_1.png'), { seed: 33 });
    await writeGreyPng(path.join(root, 'notes.png'), { seed: 34 });
    await writeFile(path.join(root, 'README.txt'), 'not an image');
    const pattern = '{cell_line}_{_}_{plate}_{well}_{compound}_{concentration}_{site}.png';

    const refused = await harness.services.screens.importScreen({ name: 'by-pattern', root, pattern }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ImportRefusedError);
    expect((refused as ImportRefusedError).problems).toEqual([{ line: 3, path: 'notes.png', reason: expect.stringMatching(/does not match the pattern/) }]);

    const result = await harness.services.screens.importScreen({ name: 'by-pattern', root, pattern, skipInvalid: true });
    expect(result.imported).toBe(3);
    const rows = await harness.database.dataSource.query(
      `SELECT i.path, i.plate, i.well, i.site, i.concentration, l.name AS cell_line, c.name AS compound
         FROM images i JOIN cell_lines l ON l.id = i.cell_line_id JOIN compounds c ON c.id = i.compound_id WHERE i.screen_id = $1 ORDER BY i.path`,
      [result.screen.id],
    );
    expect(rows).toEqual([
      { path: 'ACHN_x_PL7_C03_Methotrexate_0.25_1.png', plate: 'PL7', well: 'C03', site: 1, concentration: 0.25, cell_line: 'ACHN', compound: 'Methotrexate' },
      { path: 'ACHN_x_PL7_C04_DMSO_0_2.png', plate: 'PL7', well: 'C04', site: 2, concentration: 0, cell_line: 'ACHN', compound: 'DMSO' },
      { path: 'sub/HT29_y_PL8_D01_Pemetrexed_10_1.png', plate: 'PL8', well: 'D01', site: 1, concentration: 10, cell_line: 'HT29', compound: 'Pemetrexed' },
    ]);
    await expect(harness.services.screens.importScreen({ name: 'p2', root, pattern: '{cell_line}_{nope}.png' })).rejects.toThrow(/unknown placeholder \{nope\}/);
  });

  it('refuses images smaller than 64x64', async () => {
    const dir = path.join(harness.work, 'small');
    await writeGreyPng(path.join(dir, 's.png'), { width: 32, height: 80 });
    const manifest = path.join(dir, 'manifest.csv');
    await writeManifest(manifest, MANIFEST_HEADER, [['s.png', 'ACHN', 'DMSO', 0, 'P1', 'A01', 1, '', '']]);
    await expect(harness.services.screens.importScreen({ name: 'small', manifest })).rejects.toThrow(/line 2 \(s\.png\): image is 32x80 px/);
  });

  it('generates and registers a tiny synthetic screen with its MoA annotations, once', async () => {
    const handlers = createJobHandlers({ services: harness.services });
    const context = { jobId: 'test', logger: createLogger('silent'), signal: new AbortController().signal };
    await handlers['screen.generate']({ preset: 'tiny', seed: 3, name: 'tiny-3' }, context);

    const screen = await harness.database.dataSource.query(`SELECT id, source, origin, split, image_count FROM screens WHERE name = 'tiny-3'`);
    expect(screen).toHaveLength(1);
    const { id, source, origin, split, image_count: imageCount } = screen[0];
    expect(source).toBe('synthetic');
    expect(origin).toMatchObject({ preset: 'tiny', seed: 3 });
    const manifest = await readFile(path.join(harness.work, 'data', 'screens', 'tiny-3', 'manifest.csv'), 'utf8');
    const manifestRows = manifest.trim().split('\n').length - 1;
    expect(manifestRows).toBe(144);
    expect(imageCount).toBe(manifestRows);
    const [{ count }] = await harness.database.dataSource.query(`SELECT count(*)::int AS count FROM images WHERE screen_id = $1`, [id]);
    expect(count).toBe(manifestRows);
    expect(split).toMatchObject({ method: 'plate', trainPlates: expect.any(Array), validationPlates: expect.any(Array) });
    expect(split.trainPlates.length + split.validationPlates.length).toBe(2);

    const moas = await harness.database.dataSource.query(`SELECT name, moa, is_control FROM compounds WHERE name IN ('Methotrexate', 'Pemetrexed', 'DMSO') ORDER BY name`);
    const byName = Object.fromEntries(moas.map((row: { name: string }) => [row.name, row]));
    expect(byName.Methotrexate.moa).toBe('antifolate');
    expect(byName.Pemetrexed.moa).toBe(byName.Methotrexate.moa);
    expect(byName.DMSO.is_control).toBe(true);

    // a retried job finds the screen there and changes nothing
    const before = await harness.counts();
    await handlers['screen.generate']({ preset: 'tiny', seed: 3, name: 'tiny-3' }, context);
    expect(await harness.counts()).toEqual(before);
    // the same name from another seed is refused
    await expect(harness.services.screens.generateAndRegister({ preset: 'tiny', seed: 4, name: 'tiny-3' })).rejects.toBeInstanceOf(BadUserInputError);
  });

  it('queues generation only for a valid request', async () => {
    const sent: unknown[] = [];
    const screens = new ScreenImportService(new ScreenRepository(harness.database.dataSource), new SharpImageInspector(), {
      storeDir: path.join(harness.work, 'data'),
      importRoots: new ImportRoots([harness.work]),
      queue: { send: async (name, payload) => (sent.push({ name, payload }), 'job-1') },
    });
    expect(await screens.requestGeneration({ preset: 'tiny', seed: 9, name: 'queued' })).toBe('job-1');
    expect(sent).toEqual([{ name: 'screen.generate', payload: { preset: 'tiny', seed: 9, name: 'queued' } }]);
    await expect(screens.requestGeneration({ preset: 'huge', seed: 1, name: 'x' })).rejects.toBeInstanceOf(BadUserInputError);
    await expect(screens.requestGeneration({ preset: 'tiny', seed: 1, name: '../escape' })).rejects.toBeInstanceOf(BadUserInputError);
    await expect(screens.requestGeneration({ preset: 'tiny', seed: 1, name: 'skip' })).rejects.toThrow(/already exists/);
    expect(sent).toHaveLength(1);
  });

  it('keeps a known compound annotation, fills in a missing one and says so', async () => {
    const dir = path.join(harness.work, 'annotations');
    await writeGreyPng(path.join(dir, 'a.png'), { seed: 41 });
    await writeGreyPng(path.join(dir, 'b.png'), { seed: 42 });
    const manifest = path.join(dir, 'manifest.csv');
    await writeManifest(manifest, MANIFEST_HEADER, [
      ['a.png', 'ACHN', 'Methotrexate', 1, 'P1', 'A01', 1, 'DHFR inhibitor', ''],
      ['b.png', 'ACHN', 'Known-Control', 1, 'P1', 'A02', 1, '', 'false'],
    ]);
    await harness.database.dataSource.query(
      `INSERT INTO compounds (name, moa, is_control) VALUES ('Methotrexate', 'antifolate', false), ('Known-Control', NULL, true), ('Unannotated', NULL, false) ON CONFLICT DO NOTHING`,
    );
    const result = await harness.services.screens.importScreen({ name: 'annotations', manifest });
    expect(result.warnings).toEqual([expect.stringMatching(/"Methotrexate" is already known as a treatment with moa "antifolate"/), expect.stringMatching(/"Known-Control" is already known as a control; this import says a treatment/)]);
    const [{ moa }] = await harness.database.dataSource.query(`SELECT moa FROM compounds WHERE name = 'Methotrexate'`);
    expect(moa).toBe('antifolate');

    await writeGreyPng(path.join(dir, 'c.png'), { seed: 43 });
    await writeManifest(manifest, MANIFEST_HEADER, [['c.png', 'ACHN', 'Unannotated', 1, 'P1', 'A03', 1, 'late moa', '']]);
    const filled = await harness.services.screens.importScreen({ name: 'annotations-2', manifest });
    expect(filled.warnings).toEqual([]);
    const [{ moa: late }] = await harness.database.dataSource.query(`SELECT moa FROM compounds WHERE name = 'Unannotated'`);
    expect(late).toBe('late moa');
  });

  it('answers the importScreen mutation for writers only, with the problems in extensions', async () => {
    const schema = await buildApiSchema({ requireReaderForQueries: false });
    const manifest = path.join(harness.work, 'bad', 'manifest.csv');
    const source = `mutation($m: String!) { importScreen(name: "via-api", manifest: $m, skipInvalid: true) { imported unchanged skipped { line reason } screen { name imageCount } } }`;
    const asReader = await graphql({ schema, source, variableValues: { m: manifest }, contextValue: createRequestContext({ role: 'reader', keyId: 'r' }, harness.services) });
    expect(asReader.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const asWriter = await graphql({ schema, source, variableValues: { m: manifest }, contextValue: createRequestContext({ role: 'writer', keyId: 'w' }, harness.services) });
    expect(asWriter.errors).toBeUndefined();
    expect(asWriter.data?.importScreen).toMatchObject({ imported: 3, unchanged: false, screen: { name: 'via-api', imageCount: 3 } });
    expect((asWriter.data?.importScreen as { skipped: Array<{ line: number }> }).skipped.map((p) => p.line)).toEqual([5, 6, 7]);

    const strict = await graphql({
      schema,
      source: `mutation($m: String!) { importScreen(name: "via-api-strict", manifest: $m) { imported } }`,
      variableValues: { m: manifest },
      contextValue: createRequestContext({ role: 'writer', keyId: 'w' }, harness.services),
    });
    expect(strict.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((strict.errors?.[0].extensions?.problems as Array<{ line: number }>).map((p) => p.line)).toEqual([5, 6, 7]);
  });
});
