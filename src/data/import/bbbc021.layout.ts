import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BadUserInputError } from '../../errors/app-errors';
import type { ScreenChannel } from '../channels/screen-channel';
import { batchOfPlate } from '../plate-batch';
import { nonEmpty, rowList, type Candidates } from './import-candidates';
import { isDefaultControl, type RawImportRow } from './import-row';
import type { ImportPaths } from './import-roots';
import { parseDelimited, type DelimitedRecord } from './delimited.parser';

/** The Broad's BBBC021 (Caie et al. 2010; Ljosa et al. 2013): MCF-7 cells, three stains, one file each. */
export const BBBC021_CHANNELS: readonly ScreenChannel[] = [
  { name: 'DAPI', role: 'DNA' },
  { name: 'Tubulin', role: 'tubulin' },
  { name: 'Actin', role: 'actin' },
];
export const BBBC021_CELL_LINE = 'MCF-7';

const IMAGE_COLUMNS = {
  plate: 'Image_Metadata_Plate_DAPI',
  well: 'Image_Metadata_Well_DAPI',
  compound: 'Image_Metadata_Compound',
  concentration: 'Image_Metadata_Concentration',
} as const;
const MOA_COLUMNS = ['compound', 'concentration', 'moa'] as const;

export interface Bbbc021Files {
  imageCsv: string;
  moaCsv: string;
  root?: string | null;
}

/**
 * BBBC021_v1_image.csv and BBBC021_v1_moa.csv as import candidates. Like the benchmark's papers,
 * only the treatments the MoA table annotates (and the DMSO control) are taken; the other rows
 * are counted in the origin record, not imported. A row's line is its line in the image CSV.
 * Sites are numbered in file order within a plate's well; plates keep their names, whose prefix
 * before '_' is the batch (batchOfPlate: Week1_22123 -> Week1).
 */
export async function candidatesFromBbbc021(files: Bbbc021Files, paths: ImportPaths): Promise<Candidates> {
  const imageCsv = await paths.manifest(files.imageCsv);
  const moaCsv = await paths.manifest(files.moaCsv);
  const root = await paths.directory(nonEmpty(files.root) ?? path.dirname(imageCsv));
  const moas = readMoaTable(moaCsv, await readText(moaCsv, 'moaCsv'));
  const [header, ...records] = parseDelimited((await readText(imageCsv, 'imageCsv')).replace(/^\uFEFF/, ''));
  if (!header) throw new BadUserInputError(`image CSV ${imageCsv} is empty`, 'imageCsv');
  const column = columnFinder(header, imageCsv, 'imageCsv');
  const fields = Object.fromEntries(Object.entries(IMAGE_COLUMNS).map(([field, name]) => [field, column(name)])) as Record<keyof typeof IMAGE_COLUMNS, number>;
  const channelColumns = BBBC021_CHANNELS.map((channel) => ({ file: column(`Image_FileName_${channel.name}`), dir: column(`Image_PathName_${channel.name}`) }));

  const sites = new Map<string, number>();
  const raw: RawImportRow[] = [];
  let notAnnotated = 0;
  for (const record of records) {
    const value = (index: number) => (record.fields[index] ?? '').trim();
    const compound = value(fields.compound);
    const moa = moas.get(treatmentKey(compound, value(fields.concentration)));
    if (moa === undefined && !isDefaultControl(compound)) {
      notAnnotated += 1;
      continue;
    }
    const wellKey = `${value(fields.plate)}\t${value(fields.well)}`;
    const site = (sites.get(wellKey) ?? 0) + 1;
    sites.set(wellKey, site);
    const channelPaths = channelColumns.map(({ file, dir }) => joinPath(value(dir), value(file)));
    raw.push({
      line: record.line,
      channelPaths,
      fields: {
        path: channelPaths[0],
        cell_line: BBBC021_CELL_LINE,
        compound,
        concentration: value(fields.concentration),
        plate: value(fields.plate),
        well: value(fields.well),
        site: String(site),
        // the control is no mechanism: NSC leaves it out
        moa: isDefaultControl(compound) ? '' : (moa ?? ''),
      },
    });
  }
  const batches = [...new Set(raw.map((row) => batchOfPlate(row.fields.plate ?? '')))].sort();
  return {
    root,
    source: 'import',
    origin: { kind: 'bbbc021', imageCsv, moaCsv, rows: records.length, imported: raw.length, notAnnotated, cellLine: BBBC021_CELL_LINE, batches },
    raw: rowList(raw),
    channels: BBBC021_CHANNELS.map((channel) => ({ ...channel })),
    paths,
    problems: [],
    splitSeed: 0,
  };
}

/** compound x concentration -> MoA; a treatment listed twice with two MoAs is refused with both lines. */
function readMoaTable(file: string, text: string): Map<string, string> {
  const [header, ...records] = parseDelimited(text.replace(/^\uFEFF/, ''));
  if (!header) throw new BadUserInputError(`MoA CSV ${file} is empty`, 'moaCsv');
  const column = columnFinder(header, file, 'moaCsv');
  const [compound, concentration, moa] = MOA_COLUMNS.map(column);
  const table = new Map<string, { moa: string; line: number }>();
  for (const record of records) {
    const value = (index: number) => (record.fields[index] ?? '').trim();
    if (value(compound) === '' || value(moa) === '') throw new BadUserInputError(`MoA CSV ${file} line ${record.line}: compound and moa are required`, 'moaCsv');
    const key = treatmentKey(value(compound), value(concentration));
    const known = table.get(key);
    if (known && known.moa !== value(moa)) {
      throw new BadUserInputError(`MoA CSV ${file} line ${record.line}: ${value(compound)} at ${value(concentration)} is "${value(moa)}" here but "${known.moa}" on line ${known.line}`, 'moaCsv');
    }
    table.set(key, { moa: value(moa), line: record.line });
  }
  return new Map([...table].map(([key, entry]) => [key, entry.moa]));
}

/** Concentrations compared as numbers: the two tables write 0.1 and 0.10 alike. */
function treatmentKey(compound: string, concentration: string): string {
  const number = Number(concentration);
  return `${compound}\t${concentration.trim() !== '' && Number.isFinite(number) ? number : concentration}`;
}

function columnFinder(header: DelimitedRecord, file: string, argument: string): (name: string) => number {
  const names = header.fields.map((name) => name.trim().toLowerCase());
  return (name) => {
    const index = names.indexOf(name.toLowerCase());
    if (index < 0) throw new BadUserInputError(`${file} line 1: no column ${name} (the BBBC021 layout needs it)`, argument);
    return index;
  };
}

function joinPath(directory: string, file: string): string {
  if (file === '') return '';
  return directory === '' ? file : `${directory.replace(/[\\/]+$/, '')}/${file}`;
}

async function readText(file: string, argument: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new BadUserInputError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, argument);
  }
}
