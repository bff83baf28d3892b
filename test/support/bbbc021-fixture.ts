import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SeededRandom } from '../../src/util/seeded-random';
import { encodeGreyTiff } from './grey-tiff.writer';

/** The columns of BBBC021_v1_image.csv, in the published order. */
export const BBBC021_IMAGE_HEADER = [
  'TableNumber',
  'ImageNumber',
  'Image_FileName_DAPI',
  'Image_PathName_DAPI',
  'Image_FileName_Tubulin',
  'Image_PathName_Tubulin',
  'Image_FileName_Actin',
  'Image_PathName_Actin',
  'Image_Metadata_Plate_DAPI',
  'Image_Metadata_Well_DAPI',
  'Replicate',
  'Image_Metadata_Compound',
  'Image_Metadata_Concentration',
];

export interface Bbbc021FixtureImage {
  plate: string;
  well: string;
  site: number;
  compound: string;
  concentration: number;
}

/** Two weeks, two plates; DMSO, two annotated treatments and one the MoA table leaves out (taxol at 0.003). */
export const BBBC021_FIXTURE_IMAGES: Bbbc021FixtureImage[] = [
  ...['Week1_22123', 'Week2_24121'].flatMap((plate) => [
    { plate, well: 'B02', site: 1, compound: 'DMSO', concentration: 0 },
    { plate, well: 'B02', site: 2, compound: 'DMSO', concentration: 0 },
    { plate, well: 'C03', site: 1, compound: 'taxol', concentration: 1 },
    { plate, well: 'C03', site: 2, compound: 'taxol', concentration: 1 },
    { plate, well: 'D04', site: 1, compound: 'cytochalasin B', concentration: 10 },
    { plate, well: 'E05', site: 1, compound: 'taxol', concentration: 0.003 },
  ]),
];

export const BBBC021_FIXTURE_MOA = [
  ['compound', 'concentration', 'moa'],
  ['DMSO', '0.0', 'DMSO'],
  ['taxol', '1.0', 'Microtubule stabilizers'],
  ['cytochalasin B', '10.0', 'Actin disruptors'],
];

/** What the published files name a channel file: plate, well, site and the microscope's wavelength. */
export function channelFile(image: Bbbc021FixtureImage, channel: number): string {
  return `${image.plate.split('_')[0]}_${image.well}_s${image.site}_w${channel + 1}.tif`;
}

/**
 * Writes BBBC021_v1_image.csv, BBBC021_v1_moa.csv and one 16-bit grey TIFF per channel under
 * <root>/<week>/<plate>/, as the dataset is laid out. Pixel values are seeded noise around a
 * per-channel, per-plate level, so each plate's normalisation differs.
 */
export async function writeBbbc021Fixture(root: string, size = { width: 80, height: 72 }): Promise<{ imageCsv: string; moaCsv: string }> {
  const lines = [BBBC021_IMAGE_HEADER.join(',')];
  for (const [i, image] of BBBC021_FIXTURE_IMAGES.entries()) {
    const directory = `${image.plate.split('_')[0]}/${image.plate}`;
    await mkdir(path.join(root, directory), { recursive: true });
    const cells: string[] = [];
    for (let channel = 0; channel < 3; channel += 1) {
      const random = SeededRandom.derive('bbbc021-fixture', i, channel);
      const level = 400 + 300 * channel + (image.plate.startsWith('Week2') ? 200 : 0);
      const plane = Uint16Array.from({ length: size.width * size.height }, () => level + Math.floor(random.next() * 1000));
      await writeFile(path.join(root, directory, channelFile(image, channel)), encodeGreyTiff([plane], size.width, size.height));
      cells.push(channelFile(image, channel), directory);
    }
    const quoted = (text: string) => (text.includes(' ') ? `"${text}"` : text);
    lines.push([String(1), String(i + 1), ...cells, image.plate, image.well, String(1), quoted(image.compound), String(image.concentration)].join(','));
  }
  const imageCsv = path.join(root, 'BBBC021_v1_image.csv');
  const moaCsv = path.join(root, 'BBBC021_v1_moa.csv');
  await writeFile(imageCsv, `${lines.join('\n')}\n`);
  await writeFile(moaCsv, `${BBBC021_FIXTURE_MOA.map((row) => row.join(',')).join('\n')}\n`);
  return { imageCsv, moaCsv };
}
