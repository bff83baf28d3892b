import type { DelimitedRecord } from './delimited.parser';
import type { ImportField, RawImportRow } from './import-row';

/**
 * Column names accepted for each field, compared without regard to case; the first one a
 * manifest has wins. Besides morphospace's own manifest.csv columns these are the usual
 * CellProfiler / Cell Painting profiling names (Metadata_*, FileName_* / PathName_*).
 */
export const COLUMN_ALIASES: Record<Exclude<ImportField, 'path'>, readonly string[]> = {
  cell_line: ['cell_line', 'Metadata_CellLine', 'Metadata_cell_line', 'Metadata_Cell_Line'],
  compound: ['compound', 'Metadata_Compound', 'Metadata_pert_iname', 'Metadata_Drug'],
  // Metadata_mmoles_per_liter holds uM-scale doses in the public Cell Painting sets; values are stored as given, as uM
  concentration: ['concentration', 'Metadata_Concentration', 'Metadata_mmoles_per_liter'],
  plate: ['plate', 'Metadata_Plate'],
  well: ['well', 'Metadata_Well'],
  site: ['site', 'Metadata_Site', 'Metadata_Field'],
  moa: ['moa', 'Metadata_moa'],
  control: ['control', 'Metadata_control'],
};

const REQUIRED: ReadonlyArray<Exclude<ImportField, 'path'>> = ['cell_line', 'compound', 'concentration', 'plate', 'well'];

export class ManifestFormatError extends Error {}

/** How the header's columns map to fields; printed in the import's origin record. */
export interface ManifestColumns {
  path: string | { pathName: string | null; fileName: string };
  fields: Partial<Record<Exclude<ImportField, 'path'>, string>>;
  /** one FileName_<channel> (+ PathName_<channel>) pair per channel, in the screen's channel order */
  channels?: Array<{ name: string; pathName: string | null; fileName: string }>;
}

/** How a manifest's header maps its columns, and how a record becomes a raw row. */
export interface ManifestLayout {
  columns: ManifestColumns;
  row(record: DelimitedRecord): RawImportRow;
}

/**
 * The layout a manifest's header gives (its first record; none: the manifest is empty). Several
 * FileName_<channel> columns make a multi-channel screen, one file per channel
 * (`options.channels` picks and orders them by name; by default all, in column order).
 */
export function manifestLayout(header: DelimitedRecord | undefined, options: { channels?: readonly string[] } = {}): ManifestLayout {
  if (!header || header.fields.every((field) => field.trim() === '')) throw new ManifestFormatError('manifest is empty');
  const names = header.fields.map((name) => name.trim());
  const indexOf = (name: string): number => names.findIndex((column) => column.toLowerCase() === name.toLowerCase());

  const fieldIndex = new Map<Exclude<ImportField, 'path'>, number>();
  const fields: ManifestColumns['fields'] = {};
  for (const [field, aliases] of Object.entries(COLUMN_ALIASES) as Array<[Exclude<ImportField, 'path'>, readonly string[]]>) {
    const index = aliases.map(indexOf).find((i) => i >= 0);
    if (index !== undefined) {
      fieldIndex.set(field, index);
      fields[field] = names[index];
    }
  }

  const channelColumns = locateChannels(names, indexOf, options.channels);
  const pathColumns = locatePath(names, indexOf);
  const missing = [...REQUIRED.filter((field) => !fieldIndex.has(field)), ...(pathColumns ? [] : ['path'])];
  if (missing.length > 0) {
    const accepted = missing.map((field) => (field === 'path' ? 'path: path | FileName_<channel> [+ PathName_<channel>]' : `${field}: ${COLUMN_ALIASES[field as Exclude<ImportField, 'path'>].join(' | ')}`));
    throw new ManifestFormatError(`line 1: manifest lacks column(s) ${missing.join(', ')}; accepted names are ${accepted.join('; ')}`);
  }
  const { read: readPath, columns: pathDescription } = pathColumns!;
  const channels = channelColumns?.map(({ name, pathName, fileName }) => ({ name, pathName, fileName }));
  return {
    columns: { path: pathDescription, fields, ...(channels ? { channels } : {}) },
    row: (record) => {
      const value = (index: number): string => record.fields[index] ?? '';
      const channelPaths = channelColumns?.map((channel) => channel.read(value));
      const row: RawImportRow = { line: record.line, fields: { path: channelPaths ? channelPaths[0] : readPath(value) } };
      if (channelPaths) row.channelPaths = channelPaths;
      for (const [field, index] of fieldIndex) row.fields[field] = value(index);
      return row;
    },
  };
}

type ColumnPair = { name: string; pathName: string | null; fileName: string; read: (value: (i: number) => string) => string };

/**
 * The per-channel file columns of a multi-channel manifest, or null for one file per row. With
 * `wanted` names, the FileName_<name> of each (none found: the names are pages of one file);
 * without, every FileName_ column when there are two or more.
 */
function locateChannels(names: string[], indexOf: (name: string) => number, wanted: readonly string[] | undefined): ColumnPair[] | null {
  const fileColumns = names.filter((name) => /^FileName_./i.test(name));
  if (wanted && wanted.length > 1) {
    const found = wanted.map((name) => indexOf(`FileName_${name}`));
    if (found.every((i) => i < 0)) return null;
    const missing = wanted.filter((_, c) => found[c] < 0);
    if (missing.length > 0) throw new ManifestFormatError(`line 1: no FileName_ column for channel(s) ${missing.join(', ')}; the manifest has ${fileColumns.join(', ')}`);
    return wanted.map((_, c) => columnPair(names, indexOf, found[c]));
  }
  if (fileColumns.length < 2) return null;
  return fileColumns.map((column) => columnPair(names, indexOf, names.indexOf(column)));
}

/** FileName_<X> joined to PathName_<X> when that exists. */
function columnPair(names: string[], indexOf: (name: string) => number, fileIndex: number): ColumnPair {
  const name = names[fileIndex].slice('FileName_'.length);
  const pathIndex = indexOf(`PathName_${name}`);
  return {
    name,
    pathName: pathIndex >= 0 ? names[pathIndex] : null,
    fileName: names[fileIndex],
    read: (value) => {
      const directory = pathIndex >= 0 ? value(pathIndex).trim() : '';
      const file = value(fileIndex).trim();
      if (file === '') return '';
      return directory === '' ? file : `${directory.replace(/[\\/]+$/, '')}/${file}`;
    },
  };
}

/** `path`, else the first FileName_<X> column joined to PathName_<X> when that exists. */
function locatePath(names: string[], indexOf: (name: string) => number): { read: (value: (i: number) => string) => string; columns: ManifestColumns['path'] } | null {
  const direct = indexOf('path');
  if (direct >= 0) return { read: (value) => value(direct), columns: names[direct] };
  const fileIndex = names.findIndex((name) => /^FileName_/i.test(name));
  if (fileIndex < 0) return null;
  const { read, pathName, fileName } = columnPair(names, indexOf, fileIndex);
  return { read, columns: { pathName, fileName } };
}
