import { link, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { MANIFEST_HEADER, writeGreyPng, writeManifest, writeRgbPng } from './screen-fixtures';

/**
 * A small screen whose manifest lists images out of path order, with upper- and lower-case
 * names (byte order puts 'B' before 'a'), a control without a dose, a treatment whose MoA is
 * only on its second row, an RGB image and three plates: enough to tell the stored order, the
 * digest, the annotations and the split apart. Returns the manifest's path.
 */
export async function orderedScreen(dir: string): Promise<string> {
  await writeGreyPng(path.join(dir, 'p2/b.png'), { seed: 3 });
  await writeGreyPng(path.join(dir, 'p1/a.png'), { seed: 1 });
  await writeGreyPng(path.join(dir, 'p1/B.png'), { seed: 2 });
  await writeRgbPng(path.join(dir, 'p3/c.png'));
  await writeGreyPng(path.join(dir, 'p1/a2.png'), { seed: 4, size: 80 });
  await writeGreyPng(path.join(dir, 'p3/z.png'), { seed: 5 });
  const manifest = path.join(dir, 'manifest.csv');
  await writeManifest(manifest, MANIFEST_HEADER, [
    ['p3/z.png', 'HT29', 'Pemetrexed', 10, 'P3', 'C01', 2, '', ''],
    ['p2/b.png', 'ACHN', 'DMSO', '', 'P2', 'A02', 1, '', ''],
    ['p1/a.png', 'ACHN', 'Methotrexate', 0.5, 'P1', 'A01', 1, 'antifolate', 'false'],
    ['p3/c.png', 'HT29', 'Pemetrexed', 1e-3, 'P3', 'C01', 1, 'antifolate', ''],
    ['p1/B.png', 'ACHN', 'Methotrexate', 2.5, 'P1', 'A01', 2, '', 'false'],
    ['p1/a2.png', 'HT29', 'DMSO', 0, 'P1', 'B01', 1, '', 'true'],
  ]);
  return manifest;
}

/** `count` rows of one valid image file, each under its own name (hard links), then `last` as the final row. */
export async function longScreen(dir: string, count: number, last: Array<string | number>): Promise<string> {
  const original = path.join(dir, 'original.png');
  await writeGreyPng(original, { seed: 9 });
  await mkdir(path.join(dir, 'img'), { recursive: true });
  const rows: Array<Array<string | number>> = [];
  for (let i = 0; i < count; i += 1) {
    const name = `img/${String(i).padStart(6, '0')}.png`;
    await link(original, path.join(dir, name));
    rows.push([name, 'ACHN', i % 2 === 0 ? 'DMSO' : 'Methotrexate', i % 2 === 0 ? 0 : 1, `P${i % 4}`, 'A01', i + 1, '', '']);
  }
  const manifest = path.join(dir, 'manifest.csv');
  await writeManifest(manifest, MANIFEST_HEADER, [...rows, last]);
  return manifest;
}
