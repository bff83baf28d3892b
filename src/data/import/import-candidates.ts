import { open } from 'node:fs/promises';
import path from 'node:path';
import type { ScreenSource } from '../../db/entities/screen.entity';
import type { CompoundAnnotation } from '../../db/repositories/screen.repository';
import { BadUserInputError } from '../../errors/app-errors';
import type { ScreenChannel } from '../channels/screen-channel';
import { requestedChannelNames, screenChannels, type ChannelRequest } from './channel-list';
import { compilePattern, PatternError, rowsFromFileNames } from './file-name.pattern';
import type { ImportProblem, RawImportRow } from './import-row';
import type { ImportPaths } from './import-roots';
import { ManifestFormatError } from './manifest.reader';
import { streamManifest } from './manifest.stream';

/** The rows an import would bring in, before any is checked. */
export interface Candidates {
  root: string;
  source: ScreenSource;
  /** a manifest's also gets `rows`, the count of its rows, once they are all read */
  origin: Record<string, unknown>;
  raw: RowSource;
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

/** Raw rows, read as they are iterated (once), with a count for progress and the origin record. */
export interface RowSource extends AsyncIterable<RawImportRow> {
  /** rows read so far */
  readonly read: number;
  /** rows in all: exact for a list; for a file, extrapolated from the share of its bytes read */
  expected(): number;
}

/** Rows already in memory: a pattern's file listing, a layout's table. */
export function rowList(rows: readonly RawImportRow[]): RowSource {
  let read = 0;
  return {
    get read() {
      return read;
    },
    expected: () => rows.length,
    async *[Symbol.asyncIterator]() {
      for (const row of rows) {
        read += 1;
        yield row;
      }
    },
  };
}

export async function candidatesFromManifest(manifest: string, root: string | null | undefined, paths: ImportPaths, channelRequest: ChannelRequest = {}): Promise<Candidates> {
  const names = requestedChannelNames(channelRequest);
  const manifestPath = await paths.manifest(manifest);
  const rootDir = await paths.directory(nonEmpty(root) ?? path.dirname(manifestPath));
  let file;
  try {
    file = await open(manifestPath, 'r');
  } catch (error) {
    throw new BadUserInputError(`cannot read manifest ${manifestPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'manifest');
  }
  const stats = await file.stat();
  if (stats.isDirectory()) {
    await file.close();
    throw new BadUserInputError(`cannot read manifest ${manifestPath}: EISDIR`, 'manifest');
  }
  const size = stats.size;
  const text = file.createReadStream({ encoding: 'utf8', highWaterMark: 1 << 20 });
  let charsRead = 0;
  const counted = (async function* () {
    for await (const piece of text as AsyncIterable<string>) {
      charsRead += piece.length;
      yield piece;
    }
  })();
  try {
    const { columns, rows } = await streamManifest(counted, { channels: names });
    const channels = screenChannels(columns.channels?.map((channel) => channel.name) ?? names, channelRequest.channelRoles);
    let read = 0;
    const raw: RowSource = {
      get read() {
        return read;
      },
      // characters stand in for bytes: exact for ASCII, and only a progress bar's total depends on it
      expected: () => (charsRead >= size || charsRead === 0 ? read : Math.max(read, Math.round((read * size) / charsRead))),
      async *[Symbol.asyncIterator]() {
        try {
          for await (const row of rows) {
            read += 1;
            yield row;
          }
        } finally {
          text.destroy();
        }
      },
    };
    return { root: rootDir, source: 'import', origin: { kind: 'manifest', manifest: manifestPath, columns }, raw, channels, paths, problems: [], splitSeed: 0 };
  } catch (error) {
    text.destroy();
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
  return { root: rootDir, source: 'import', origin: { kind: 'pattern', pattern, files: files.length }, raw: rowList(rows), channels, paths, problems, splitSeed: 0 };
}

export function nonEmpty(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value.trim() === '' ? undefined : value.trim();
}
