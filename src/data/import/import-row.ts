import path from 'node:path';
import type { ImageFields, ManifestColumn } from '../manifest.codec';

/** The fields an imported image carries, named as in manifest.csv. */
export type ImportField = ManifestColumn;

/** One image as read from a manifest line or a file name, still text, not yet checked. */
export interface RawImportRow {
  /** manifest line (the header is line 1), or the file's position in the sorted listing for --pattern */
  line: number;
  fields: Partial<Record<ImportField, string>>;
  /** one file per channel, in the screen's channel order, the first also in fields.path */
  channelPaths?: string[];
}

/** One checked image, ready to be inspected and written. */
export interface ImportRow extends ImageFields {
  line: number;
  /** relative to the screen root, with forward slashes */
  path: string;
  moa: string | null;
  control: boolean;
  /** one file per channel relative to the root, the first equal to `path`; null: one file */
  channelPaths: string[] | null;
}

export interface ImportProblem {
  line: number;
  /** the image path, where one could be read */
  path: string | null;
  reason: string;
}

/** Vehicle and buffer controls: a row without a `control` value is a control when its compound is one of these. */
export const DEFAULT_CONTROL_COMPOUNDS = ['DMSO', 'PBS'] as const;

export function isDefaultControl(compound: string): boolean {
  return (DEFAULT_CONTROL_COMPOUNDS as readonly string[]).includes(compound.trim().toUpperCase());
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'y', 't']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'n', 'f']);
/** Plain decimal or scientific notation; Number() alone would also take '', '0x1F' and 'Infinity'. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Checks one row's fields (not the file): required fields present, numbers are numbers, the
 * path stays inside the root. Returns the row, or every reason it cannot be imported.
 */
export function checkRow(
  raw: RawImportRow,
  root: string,
  channelNames: readonly string[] = [],
): { row: ImportRow | null; path: string | null; channelPaths: string[] | null; problems: string[] } {
  const problems: string[] = [];
  const text = (field: ImportField): string => (raw.fields[field] ?? '').trim();

  const relativePath = resolveImagePath(text('path'), root);
  const channelPaths = raw.channelPaths?.map((given, c) => {
    const resolved = resolveImagePath(given.trim(), root);
    if (typeof resolved === 'string') return resolved;
    // the first channel's problem is the path's own, reported once
    if (c > 0) problems.push(`channel ${channelNames[c] ?? c + 1}: ${resolved.problem}`);
    return null;
  });
  if (typeof relativePath !== 'string') problems.push(channelPaths ? `channel ${channelNames[0] ?? 1}: ${relativePath.problem}` : relativePath.problem);
  for (const field of ['cell_line', 'compound', 'plate', 'well'] as const) {
    if (text(field) === '') problems.push(`${field} is missing`);
  }

  let control = isDefaultControl(text('compound'));
  const controlText = text('control').toLowerCase();
  if (controlText !== '') {
    if (TRUE_WORDS.has(controlText)) control = true;
    else if (FALSE_WORDS.has(controlText)) control = false;
    else problems.push(`control must be true or false, got "${text('control')}"`);
  }

  let concentration = Number.NaN;
  const concentrationText = text('concentration');
  // controls are often listed without a dose; they get 0 uM
  if (concentrationText === '' && control) concentration = 0;
  else if (concentrationText === '') problems.push('concentration is missing');
  else if (!NUMBER.test(concentrationText)) problems.push(`concentration is not a number: "${concentrationText}"`);
  else if (Number(concentrationText) < 0) problems.push(`concentration is negative: ${concentrationText}`);
  else concentration = Number(concentrationText);

  let site = 1;
  const siteText = text('site');
  if (siteText !== '') {
    if (!/^\d+$/.test(siteText) || Number(siteText) > 2_147_483_647) problems.push(`site is not a whole number: "${siteText}"`);
    else site = Number(siteText);
  }

  const pathText = typeof relativePath === 'string' ? relativePath : null;
  const resolvedChannels = channelPaths && channelPaths.every((file) => file !== null) ? (channelPaths as string[]) : null;
  if (problems.length > 0 || pathText === null) return { row: null, path: pathText, channelPaths: resolvedChannels, problems };
  return {
    path: pathText,
    channelPaths: resolvedChannels,
    problems,
    row: {
      line: raw.line,
      path: pathText,
      cellLine: text('cell_line'),
      compound: text('compound'),
      concentration,
      plate: text('plate'),
      well: text('well'),
      site,
      moa: text('moa') === '' ? null : text('moa'),
      control,
      channelPaths: resolvedChannels,
    },
  };
}

/** A manifest path -> the path relative to the root; absolute paths must lie inside the root. */
export function resolveImagePath(given: string, root: string): string | { problem: string } {
  if (given === '') return { problem: 'path is missing' };
  const absolute = path.resolve(root, given);
  const relative = path.relative(root, absolute);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    return { problem: `path "${given}" is outside the root directory ${root}` };
  }
  return relative.split(path.sep).join('/');
}
