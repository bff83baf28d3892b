import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportRefusedError } from '../../src/data/import/import-refused.error';
import { JobInterruptedError } from '../../src/queue/job-interrupted.error';
import { openImportHarness, type ImportHarness } from '../support/import-harness';
import { longScreen, orderedScreen } from '../support/ordered-screen';

let harness: ImportHarness;

beforeAll(async () => {
  harness = await openImportHarness('import_stream');
});

afterAll(async () => {
  await harness?.close();
});

describe('streamed import', () => {
  it('stores the rows, order, annotations, split and digest the import stored before it streamed', async () => {
    const manifest = await orderedScreen(path.join(harness.work, 'ordered'));
    const result = await harness.services.screens.importScreen({ name: 'ordered', manifest });

    const images = await harness.database.dataSource.query(
      `SELECT i.path, l.name AS cell_line, c.name AS compound, i.concentration, i.plate, i.well, i.site, i.content_hash
         FROM images i JOIN cell_lines l ON l.id = i.cell_line_id JOIN compounds c ON c.id = i.compound_id WHERE i.screen_id = $1 ORDER BY i.id`,
      [result.screen.id],
    );
    // recorded from the import as it was before it streamed (commit 4897cb3), on this same screen
    expect(images.map((i: Record<string, unknown>) => [i.path, i.cell_line, i.compound, i.concentration, i.plate, i.well, i.site, i.content_hash])).toEqual([
      ['p1/B.png', 'ACHN', 'Methotrexate', 2.5, 'P1', 'A01', 2, '02296356d05a103acd912541954378223e0cdb211b5d299003cd352c314c7797'],
      ['p1/a.png', 'ACHN', 'Methotrexate', 0.5, 'P1', 'A01', 1, 'eab29d8b0cdc604542750705e36c15e1300bde147bd4b5edb43070e7e0f3f43f'],
      ['p1/a2.png', 'HT29', 'DMSO', 0, 'P1', 'B01', 1, '2b6db51e32ef6f277ae859a0fb6b8aaf3fd2533c479be430aaa657b016018c2a'],
      ['p2/b.png', 'ACHN', 'DMSO', 0, 'P2', 'A02', 1, 'f5aeacfb8b3f30b48b84151fccf48ff8c6a095b5b12b80a1ebbc0a4453f3e558'],
      ['p3/c.png', 'HT29', 'Pemetrexed', 0.001, 'P3', 'C01', 1, 'c0c703a0449c2f84e689632e998af86cdb16c99f9bbb685782151a0c6d88efa9'],
      ['p3/z.png', 'HT29', 'Pemetrexed', 10, 'P3', 'C01', 2, '9c0a2f59a367474178cf3f6019ba8c3cbc7c7ad907d116bbf7c5975a8f035c07'],
    ]);
    expect(await harness.database.dataSource.query('SELECT name, moa, is_control FROM compounds ORDER BY name')).toEqual([
      { name: 'DMSO', moa: null, is_control: true },
      { name: 'Methotrexate', moa: 'antifolate', is_control: false },
      { name: 'Pemetrexed', moa: 'antifolate', is_control: false },
    ]);
    const [screen] = await harness.database.dataSource.query('SELECT origin, split, image_count FROM screens WHERE id = $1', [result.screen.id]);
    expect(screen.image_count).toBe(6);
    expect(screen.origin).toEqual({ ...{"kind": "manifest", "rows": 6, "columns": {"path": "path", "fields": {"moa": "moa", "site": "site", "well": "well", "plate": "plate", "control": "control", "compound": "compound", "cell_line": "cell_line", "concentration": "concentration"}}, "skipped": 0, "contentDigest": "a7f1ba174bd9712f58bdeb3df4aac171fd20a7ef0055e768782179cc88d4f3b2"}, manifest });
    expect(screen.split).toEqual({"seed": 0, "method": "plate", "trainPlates": ["P1", "P3"], "validationPlates": ["P2"], "validationFraction": 0.2});

    const before = await harness.counts();
    const again = await harness.services.screens.importScreen({ name: 'ordered', manifest });
    expect(again.unchanged).toBe(true);
    expect(await harness.counts()).toEqual(before);
  });

  it('writes nothing when a row late in a long manifest is refused, after earlier batches were staged', async () => {
    const dir = path.join(harness.work, 'late');
    // more good rows than one staging batch (2,000) before the bad one
    const manifest = await longScreen(dir, 2200, ['img/missing.png', 'ACHN', 'DMSO', 0, 'P9', 'A01', 1, '', '']);
    const before = await harness.counts();
    const error = await harness.services.screens.importScreen({ name: 'late', manifest }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportRefusedError);
    expect((error as ImportRefusedError).problems).toEqual([{ line: 2202, path: 'img/missing.png', reason: 'file not found' }]);
    expect(await harness.counts()).toEqual(before);

    // with --skip-invalid the same manifest goes in whole but for that row: the staging was not left behind
    const result = await harness.services.screens.importScreen({ name: 'late', manifest, skipInvalid: true });
    expect(result.imported).toBe(2200);
    expect((await harness.counts()).images).toBe(before.images + 2200);
  });

  it('writes nothing when the import is stopped part way', async () => {
    const manifest = await longScreen(path.join(harness.work, 'stopped'), 2400, ['img/000000.png', 'ACHN', 'DMSO', 0, 'P9', 'A01', 1, '', '']);
    const before = await harness.counts();
    const controller = new AbortController();
    const stopped = harness.services.screens.importScreen(
      { name: 'stopped', manifest },
      { signal: controller.signal, onProgress: (checked) => (checked === 2300 ? controller.abort() : undefined) },
    );
    await expect(stopped).rejects.toBeInstanceOf(JobInterruptedError);
    expect(await harness.counts()).toEqual(before);
  });
});
