import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { graphql } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestContext } from '../../src/api/context';
import { buildApiSchema } from '../../src/api/schema';
import { registerImportCommand } from '../../src/cli/import.command';
import { readChannelImage } from '../../src/data/channels/channel-image.reader';
import { ImportRefusedError } from '../../src/data/import/import-refused.error';
import { batchOfPlate } from '../../src/data/plate-batch';
import { screenImages } from '../../src/db/repositories/screen-images.query';
import { BadUserInputError } from '../../src/errors/app-errors';
import { encodeGreyPng } from '../../src/data/synthetic/png.encoder';
import { BBBC021_FIXTURE_IMAGES, channelFile, writeBbbc021Fixture } from '../support/bbbc021-fixture';
import { encodeGreyTiff } from '../support/grey-tiff.writer';
import { openImportHarness, type ImportHarness, type ImportTable } from '../support/import-harness';

let harness: ImportHarness;
/** what a refused import must leave as it was */
const SCREENS_AND_IMAGES: readonly ImportTable[] = ['screens', 'images'];

beforeAll(async () => {
  harness = await openImportHarness('channels');
});

afterAll(async () => {
  await harness?.close();
});

describe('the BBBC021 layout', () => {
  it('imports the annotated treatments with three channels, their MoA, DMSO as control, and per-plate ranges', async () => {
    const root = path.join(harness.work, 'bbbc021');
    const { imageCsv, moaCsv } = await writeBbbc021Fixture(root);
    const result = await harness.services.screens.importScreen({ name: 'bbbc021', layout: 'bbbc021', imageCsv, moaCsv, root });
    // 12 rows, 2 of them taxol at 0.003, which the MoA table does not annotate
    expect(result.imported).toBe(10);
    expect(result.screen.channels).toEqual([
      { name: 'DAPI', role: 'DNA' },
      { name: 'Tubulin', role: 'tubulin' },
      { name: 'Actin', role: 'actin' },
    ]);
    expect(result.screen.origin).toMatchObject({ kind: 'bbbc021', rows: 12, imported: 10, notAnnotated: 2, cellLine: 'MCF-7', batches: ['Week1', 'Week2'] });

    const compounds: Array<{ name: string; moa: string | null; is_control: boolean }> = await harness.database.dataSource.query(
      `SELECT c.name, c.moa, c.is_control FROM compounds c WHERE EXISTS (SELECT 1 FROM images i WHERE i.compound_id = c.id AND i.screen_id = $1) ORDER BY c.name COLLATE "C"`,
      [result.screen.id],
    );
    expect(compounds).toEqual([
      { name: 'DMSO', moa: null, is_control: true },
      { name: 'cytochalasin B', moa: 'Actin disruptors', is_control: false },
      { name: 'taxol', moa: 'Microtubule stabilizers', is_control: false },
    ]);
    const [{ cell_lines: cellLines }] = await harness.database.dataSource.query(`SELECT array_agg(DISTINCT l.name) AS cell_lines FROM images i JOIN cell_lines l ON l.id = i.cell_line_id WHERE i.screen_id = $1`, [result.screen.id]);
    expect(cellLines).toEqual(['MCF-7']);

    const images = await screenImages(harness.database.dataSource, result.screen.id);
    const taxolSite2 = images.find((image) => image.plate === 'Week2_24121' && image.well === 'C03' && image.path.endsWith('_s2_w1.tif'))!;
    const fixture = BBBC021_FIXTURE_IMAGES.find((image) => image.plate === 'Week2_24121' && image.well === 'C03' && image.site === 2)!;
    expect(taxolSite2.channelPaths).toEqual([0, 1, 2].map((c) => path.join(root, 'Week2', 'Week2_24121', channelFile(fixture, c))));
    expect(taxolSite2.path).toBe(taxolSite2.channelPaths![0]);
    expect(new Set(images.map((image) => batchOfPlate(image.plate)))).toEqual(new Set(['Week1', 'Week2']));

    // each plate's ranges: the fixture's channels sit 300 apart, Week2 200 above Week1, noise 1000 wide
    const normalisation = result.screen.channelNormalisation!;
    expect(Object.keys(normalisation).sort()).toEqual(['Week1_22123', 'Week2_24121']);
    for (const [plate, ranges] of Object.entries(normalisation)) {
      const base = plate.startsWith('Week2') ? 200 : 0;
      ranges.forEach(([low, high], c) => {
        expect(Math.abs(low - (400 + 300 * c + base))).toBeLessThanOrEqual(5);
        expect(Math.abs(high - (1399 + 300 * c + base))).toBeLessThanOrEqual(5);
      });
    }
    const read = await readChannelImage('/', taxolSite2, taxolSite2.screen);
    expect([read.channels, read.width, read.height]).toEqual([3, 80, 72]);
    const mean = (c: number) => read.data.subarray(c * 80 * 72, (c + 1) * 80 * 72).reduce((sum, v) => sum + v, 0) / (80 * 72);
    // stretched to the plate's range, every channel's noise is centred near mid-grey
    for (const c of [0, 1, 2]) expect(Math.abs(mean(c) - 127.5)).toBeLessThan(8);

    const again = await harness.services.screens.importScreen({ name: 'bbbc021', layout: 'bbbc021', imageCsv, moaCsv, root });
    expect(again.unchanged).toBe(true);
  });

  it('refuses a row with a missing channel file, naming its line and the file, over the service, the CLI and GraphQL', async () => {
    const root = path.join(harness.work, 'bbbc021-missing');
    const { imageCsv, moaCsv } = await writeBbbc021Fixture(root);
    const gone = BBBC021_FIXTURE_IMAGES[3];
    await rm(path.join(root, 'Week1', 'Week1_22123', channelFile(gone, 1)));
    const before = await harness.counts(SCREENS_AND_IMAGES);

    const error = await harness.services.screens.importScreen({ name: 'missing', layout: 'bbbc021', imageCsv, moaCsv, root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportRefusedError);
    const refused = error as ImportRefusedError;
    // the header is line 1: the fourth image is line 5
    expect(refused.problems).toEqual([{ line: 5, path: 'Week1/Week1_22123/Week1_C03_s2_w1.tif', reason: 'channel Tubulin (Week1/Week1_22123/Week1_C03_s2_w2.tif): file not found' }]);
    expect(await harness.counts(SCREENS_AND_IMAGES)).toEqual(before);

    const program = new Command('morphospace').exitOverride();
    registerImportCommand(program);
    const fromCli = await program
      .parseAsync(['node', 'morphospace', 'import', '--layout', 'bbbc021', '--image-csv', imageCsv, '--moa-csv', moaCsv, '--root', root, '--name', 'missing', '--database-url', harness.testDatabase.url, '--log-level', 'silent'])
      .catch((e: unknown) => e);
    // src/cli.ts maps a BadUserInputError to exit code 2 with the message on stderr
    expect(fromCli).toBeInstanceOf(BadUserInputError);
    expect((fromCli as Error).message).toMatch(/line 5 \(Week1\/Week1_22123\/Week1_C03_s2_w1\.tif\): channel Tubulin \(Week1\/Week1_22123\/Week1_C03_s2_w2\.tif\): file not found/);

    const schema = await buildApiSchema({ requireReaderForQueries: false });
    const answer = await graphql({
      schema,
      source: `mutation($i: String!, $m: String!, $r: String!) { importScreen(name: "missing", layout: "bbbc021", imageCsv: $i, moaCsv: $m, root: $r) { imported } }`,
      variableValues: { i: imageCsv, m: moaCsv, r: root },
      contextValue: createRequestContext({ role: 'writer', keyId: 'w' }, harness.services),
    });
    expect(answer.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(answer.errors?.[0].extensions?.problems).toEqual([refused.problems[0]]);
    expect(await harness.counts(SCREENS_AND_IMAGES)).toEqual(before);
  });
});

describe('multi-channel manifests', () => {
  it('reads CellProfiler FileName_/PathName_ columns as channels, with roles, and refuses channels of different sizes', async () => {
    const root = path.join(harness.work, 'cellprofiler');
    const rows: string[] = ['Metadata_Plate,Metadata_Well,Metadata_Compound,Metadata_Concentration,Metadata_CellLine,FileName_DNA,PathName_DNA,FileName_AGP,PathName_AGP'];
    for (const [i, well] of ['A01', 'A02', 'A03'].entries()) {
      const plane = Uint8Array.from({ length: 64 * 64 }, (_, p) => (p * (i + 3)) % 251);
      await writeFileDeep(path.join(root, 'dna', `${well}.png`), encodeGreyPng(plane, 64, 64));
      await writeFileDeep(path.join(root, 'agp', `${well}.png`), encodeGreyPng(plane.map((v) => 255 - v), 64, 64));
      rows.push(`P1,${well},${i === 0 ? 'DMSO' : 'X'},${i === 0 ? 0 : 1},L1,${well}.png,dna,${well}.png,agp`);
    }
    const manifest = path.join(root, 'manifest.csv');
    await writeFile(manifest, `${rows.join('\n')}\n`);
    const result = await harness.services.screens.importScreen({ name: 'cp', manifest, channelRoles: { AGP: 'actin' } });
    expect(result.screen.channels).toEqual([
      { name: 'DNA', role: 'DNA' },
      { name: 'AGP', role: 'actin' },
    ]);
    const [image] = await screenImages(harness.database.dataSource, result.screen.id);
    expect(image.channelPaths).toEqual([path.join(root, 'dna', 'A01.png'), path.join(root, 'agp', 'A01.png')]);
    // the channels' roles are part of the screen's content
    expect((await harness.services.screens.importScreen({ name: 'cp', manifest, channelRoles: { AGP: 'actin' } })).unchanged).toBe(true);
    await expect(harness.services.screens.importScreen({ name: 'cp', manifest })).rejects.toThrow(/already exists with different content/);

    await writeFileDeep(path.join(root, 'agp', 'A02.png'), encodeGreyPng(new Uint8Array(80 * 64), 80, 64));
    const error = (await harness.services.screens.importScreen({ name: 'cp-sizes', manifest }).catch((e: unknown) => e)) as ImportRefusedError;
    expect(error).toBeInstanceOf(ImportRefusedError);
    expect(error.problems.map((p) => [p.line, p.reason])).toEqual([[3, 'channels differ in size: channel AGP (agp/A02.png) is 80x64, channel DNA (dna/A02.png) is 64x64']]);
  });

  it('reads multi-page TIFFs as channels named by --channels, and refuses one with too few pages', async () => {
    const root = path.join(harness.work, 'multipage');
    const plane = (v: number) => Uint8Array.from({ length: 64 * 64 }, (_, p) => (p + v) % 200);
    await writeFileDeep(path.join(root, 'a.tif'), encodeGreyTiff([plane(0), plane(50), plane(90)], 64, 64));
    await writeFileDeep(path.join(root, 'b.tif'), encodeGreyTiff([plane(5), plane(55), plane(95)], 64, 64));
    await writeFileDeep(path.join(root, 'c.tif'), encodeGreyTiff([plane(7), plane(57)], 64, 64));
    const manifest = path.join(root, 'manifest.csv');
    await writeFile(manifest, 'path,cell_line,compound,concentration,plate,well\na.tif,L1,DMSO,0,P1,A01\nb.tif,L1,Y,1,P1,A02\n');
    const result = await harness.services.screens.importScreen({ name: 'pages', manifest, channels: ['dna', 'tubulin', 'actin'] });
    expect(result.screen.channels.map((channel) => channel.name)).toEqual(['dna', 'tubulin', 'actin']);
    expect(result.screen.channelNormalisation?.P1).toHaveLength(3);
    const images = await screenImages(harness.database.dataSource, result.screen.id);
    expect(images.map((image) => image.channelPaths)).toEqual([null, null]);
    const read = await readChannelImage('/', images[0], images[0].screen);
    expect(read.channels).toBe(3);

    await writeFile(manifest, 'path,cell_line,compound,concentration,plate,well\na.tif,L1,DMSO,0,P1,A01\nc.tif,L1,Y,1,P1,A02\n');
    const error = (await harness.services.screens.importScreen({ name: 'pages-short', manifest, channels: ['3'] }).catch((e: unknown) => e)) as ImportRefusedError;
    expect(error.problems.map((p) => [p.line, p.path, p.reason])).toEqual([[3, 'c.tif', 'has 2 page(s), the screen has 3 channels']]);
  });
});

async function writeFileDeep(file: string, data: Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, data);
}
