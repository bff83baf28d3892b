import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ScreenSource } from '../../db/entities/screen.entity';
import type { CompoundAnnotation } from '../../db/repositories/screen.repository';
import { BadUserInputError } from '../../errors/app-errors';
import type { ScreenChannel } from '../channels/screen-channel';
import { requestedChannelNames, screenChannels, type ChannelRequest } from './channel-list';
import { compilePattern, PatternError, rowsFromFileNames } from './file-name.pattern';
import type { ImportProblem, RawImportRow } from './import-row';
import type { ImportPaths } from './import-roots';
import { ManifestFormatError, readManifest } from './manifest.reader';

/** The rows an import would bring in, before any is checked. */
export interface Candidates {
  root: string;
  source: ScreenSource;
  origin: Record<string, unknown>;
  raw: RawImportRow[];
  /** the screen's ordered channels; rows with channelPaths have one file per channel, others one file of that many pages */
  channels: ScreenChannel[];
  paths: ImportPaths;
  /** problems found before the rows were read, e.g. files a pattern does not match */
  problems: ImportProblem[];
  /** overrides for generated screens: annotations from the ground truth and catalogs */
  compoundAnnotations?: Map<string, Partial<CompoundAnnotation>>;
  cellLineTissues?: Map<string, string>;
  splitSeed: number;
}

export async function candidatesFromManifest(manifest: string, root: string | null | undefined, paths: ImportPaths, channelRequest: ChannelRequest = {}): Promise<Candidates> {
  const names = requestedChannelNames(channelRequest);
  const manifestPath = await paths.manifest(manifest);
  const rootDir = await paths.directory(nonEmpty(root) ?? path.dirname(manifestPath));
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (error) {
    throw new BadUserInputError(`cannot read manifest ${manifestPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'manifest');
  }
  try {
    const { columns, rows } = readManifest(text, { channels: names });
    const channels = screenChannels(columns.channels?.map((channel) => channel.name) ?? names, channelRequest.channelRoles);
    return { root: rootDir, source: 'import', origin: { kind: 'manifest', manifest: manifestPath, columns, rows: rows.length }, raw: rows, channels, paths, problems: [], splitSeed: 0 };
  } catch (error) {
    if (error instanceof ManifestFormatError) throw new BadUserInputError(`manifest ${manifestPath}: ${error.message}`, 'manifest');
    throw error;
  }
}

export async function candidatesFromPattern(pattern: string, root: string | null | undefined, paths: ImportPaths, channelRequest: ChannelRequest = {}): Promise<Candidates> {
  const channels = screenChannels(requestedChannelNames(channelRequest), channelRequest.channelRoles);
  const rootText = nonEmpty(root);
  if (rootText === undefined) throw new BadUserInputError('a file-name pattern needs the root directory of the images', 'root');
  const rootDir = await paths.directory(rootText);
  let compiled;
  try {
    compiled = compilePattern(pattern);
  } catch (error) {
    if (error instanceof PatternError) throw new BadUserInputError(error.message, 'pattern');
    throw error;
  }
  const files = await paths.listImages(rootDir);
  if (files.length === 0) throw new BadUserInputError(`no image files (.png, .tif, .tiff, .jpg, .jpeg) below ${rootDir}`, 'root');
  const { rows, unmatched } = rowsFromFileNames(files, compiled);
  const problems = unmatched.map(({ line, path: file }) => ({ line, path: file, reason: `file name does not match the pattern ${pattern}` }));
  return { root: rootDir, source: 'import', origin: { kind: 'pattern', pattern, files: files.length }, raw: rows, channels, paths, problems, splitSeed: 0 };
}

export function nonEmpty(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value.trim() === '' ? undefined : value.trim();
}
