import { posix } from 'node:path';
import { parseDelimited } from './import/delimited.parser';

/**
 * manifest.csv: one row per image, the contract between a screen on disk and
 * the importer. Paths are relative to the manifest's directory.
 */
export const MANIFEST_COLUMNS = ['path', 'cell_line', 'compound', 'concentration', 'plate', 'well', 'site', 'moa', 'control'] as const;
export type ManifestColumn = (typeof MANIFEST_COLUMNS)[number];

/** What every image of a screen carries, whether it comes from a manifest, a file name or the database. */
export interface ImageFields {
  path: string;
  cellLine: string;
  compound: string;
  /** uM; 0 for controls */
  concentration: number;
  plate: string;
  well: string;
  site: number;
}

export interface ManifestRow extends ImageFields {
  moa: string;
  control: boolean;
}

/**
 * A multi-channel screen's manifest adds the CellProfiler columns FileName_<channel> and
 * PathName_<channel> (the file's directory, relative to the manifest's) per channel, in the
 * screen's channel order; `path` is then the first channel's file.
 */
export function manifestHeader(channels: readonly string[] = []): string {
  return `${[...MANIFEST_COLUMNS, ...channels.flatMap((channel) => [`FileName_${channel}`, `PathName_${channel}`])].map(csvField).join(',')}\n`;
}

/** `channelFiles`: per channel of the header, the file's path relative to the manifest's directory. */
export function manifestLine(row: ManifestRow, channelFiles: readonly string[] = []): string {
  const channelFields = channelFiles.flatMap((file) => [posix.basename(file), posix.dirname(file)]);
  return `${[row.path, row.cellLine, row.compound, String(row.concentration), row.plate, row.well, String(row.site), row.moa, row.control ? 'true' : 'false', ...channelFields]
    .map(csvField)
    .join(',')}\n`;
}

/** Parses a whole generated manifest; throws with the line number on malformed input. */
export function parseManifest(text: string): ManifestRow[] {
  const [header, ...records] = parseDelimited(text);
  if (!header) throw new Error('manifest is empty');
  const columns = new Map(header.fields.map((name, i) => [name.trim(), i]));
  for (const name of MANIFEST_COLUMNS) {
    if (!columns.has(name)) throw new Error(`manifest lacks column "${name}"`);
  }
  return records.map(({ line, fields }) => {
    const col = (name: ManifestColumn): string => fields[columns.get(name) as number] ?? '';
    const concentration = Number(col('concentration'));
    const site = Number(col('site'));
    const control = col('control').toLowerCase();
    if (!Number.isFinite(concentration) || !Number.isInteger(site) || !['true', 'false', '1', '0'].includes(control)) {
      throw new Error(`manifest line ${line}: bad concentration, site or control`);
    }
    return {
      path: col('path'),
      cellLine: col('cell_line'),
      compound: col('compound'),
      concentration,
      plate: col('plate'),
      well: col('well'),
      site,
      moa: col('moa'),
      control: control === 'true' || control === '1',
    };
  });
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
