import { JobInterruptedError } from '../../queue/job-interrupted.error';
import { mapConcurrently } from '../../util/map-concurrently';
import { inspectChannelFiles } from './channel-files.inspector';
import type { Candidates } from './import-candidates';
import type { ImageInspector } from './image.inspector';
import { checkRow, type ImportProblem, type ImportRow } from './import-row';

/** Images smaller than a crop cannot be trained on. */
export const MIN_IMAGE_SIDE = 64;

export interface ImportProgress {
  onProgress?: (checked: number, total: number) => void;
  signal?: AbortSignal;
  /** the CLI's user may read anywhere; everyone else only below the import roots */
  reach?: 'import-roots' | 'anywhere';
}

/** Every row's fields and every image, all problems collected, lines in order. */
export async function checkCandidates(candidates: Candidates, inspector: ImageInspector, concurrency: number, progress: ImportProgress): Promise<{ rows: Array<{ row: ImportRow; contentHash: string }>; problems: ImportProblem[] }> {
  const problems: ImportProblem[] = [...candidates.problems];
  const checked: Array<{ line: number; path: string | null; channelPaths: string[] | null; row: ImportRow | null }> = [];
  const firstLineOfPath = new Map<string, number>();
  const compoundFirstSeen = new Map<string, { moa: string | null; moaLine: number; control: boolean; line: number }>();

  const channelNames = candidates.channels.map((channel) => channel.name);
  for (const raw of candidates.raw) {
    const result = checkRow(raw, candidates.root, channelNames);
    for (const reason of result.problems) problems.push({ line: raw.line, path: result.path, reason });
    // a row of per-channel files whose paths are wrong has nothing sound to inspect
    let inspectable = raw.channelPaths && !result.channelPaths ? null : result.path;
    if (result.path !== null) {
      const first = firstLineOfPath.get(result.path);
      if (first !== undefined) {
        problems.push({ line: raw.line, path: result.path, reason: `the same image is already listed on line ${first}` });
        inspectable = null;
      } else firstLineOfPath.set(result.path, raw.line);
    }
    if (result.row) {
      const row = result.row;
      const seen = compoundFirstSeen.get(row.compound);
      if (!seen) compoundFirstSeen.set(row.compound, { moa: row.moa, moaLine: row.line, control: row.control, line: row.line });
      else {
        if (row.moa !== null && seen.moa !== null && row.moa !== seen.moa) {
          problems.push({ line: row.line, path: row.path, reason: `compound "${row.compound}" has moa "${row.moa}" here but "${seen.moa}" on line ${seen.moaLine}` });
        } else if (seen.moa === null && row.moa !== null) Object.assign(seen, { moa: row.moa, moaLine: row.line });
        if (row.control !== seen.control) {
          problems.push({ line: row.line, path: row.path, reason: `compound "${row.compound}" is ${row.control ? '' : 'not '}a control here but ${seen.control ? '' : 'not '}one on line ${seen.line}` });
        }
      }
    }
    checked.push({ line: raw.line, path: inspectable, channelPaths: result.channelPaths, row: result.row });
  }

  const toInspect = checked.filter((entry) => entry.path !== null);
  const reachable = candidates.paths.inspector(inspector);
  let done = 0;
  const inspections = await mapConcurrently(toInspect, concurrency, async (entry) => {
    if (progress.signal?.aborted) throw new JobInterruptedError('screen.generate');
    const inspection = await inspectChannelFiles(reachable, candidates.root, { path: entry.path!, channelPaths: entry.channelPaths }, candidates.channels);
    done += 1;
    progress.onProgress?.(done, toInspect.length);
    return inspection;
  });
  const hashes = new Map<number, string>();
  toInspect.forEach((entry, i) => {
    const inspection = inspections[i];
    if (!inspection.ok) problems.push({ line: entry.line, path: entry.path, reason: inspection.reason });
    else if (inspection.width < MIN_IMAGE_SIDE || inspection.height < MIN_IMAGE_SIDE) {
      problems.push({ line: entry.line, path: entry.path, reason: `image is ${inspection.width}x${inspection.height} px, smaller than ${MIN_IMAGE_SIDE}x${MIN_IMAGE_SIDE}` });
    } else hashes.set(entry.line, inspection.contentHash);
  });

  const badLines = new Set(problems.map((problem) => problem.line));
  const rows = checked
    .filter((entry) => entry.row !== null && !badLines.has(entry.line) && hashes.has(entry.line))
    .map((entry) => ({ row: entry.row!, contentHash: hashes.get(entry.line)! }));
  problems.sort((a, b) => a.line - b.line);
  return { rows, problems };
}
