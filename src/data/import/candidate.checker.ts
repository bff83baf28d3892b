import { JobInterruptedError } from '../../queue/job-interrupted.error';
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

export interface CheckedImage {
  row: ImportRow;
  contentHash: string;
}

/**
 * Checks the rows as they are read, holding no row once it is passed on. Each row's fields in
 * line order: paths must not repeat, a compound's moa and control must agree with its first
 * row. Its files with at most `concurrency` inspections in flight. Rows without any problem go to
 * `accept` in batches of `batchSize`, one batch in flight while the next is checked. Returns
 * every problem, in line order.
 *
 * What grows with the rows: the paths seen (to name a repeat's first line) and the problems.
 */
export async function checkCandidates(
  candidates: Candidates,
  inspector: ImageInspector,
  options: { concurrency: number; batchSize: number },
  progress: ImportProgress,
  accept: (images: CheckedImage[]) => Promise<void>,
): Promise<{ problems: ImportProblem[]; accepted: number }> {
  const problems: ImportProblem[] = [...candidates.problems];
  const firstLineOfPath = new Map<string, number>();
  const compoundFirstSeen = new Map<string, { moa: string | null; moaLine: number; control: boolean; line: number }>();
  const channelNames = candidates.channels.map((channel) => channel.name);
  const reachable = candidates.paths.inspector(inspector);
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | null = null;
  let ready: CheckedImage[] = [];
  let writing: Promise<void> = Promise.resolve();
  let accepted = 0;
  let done = 0;
  const report = () => {
    done += 1;
    progress.onProgress?.(done, candidates.raw.expected());
  };
  const flush = async (): Promise<void> => {
    await writing;
    if (ready.length === 0) return;
    const batch = ready;
    ready = [];
    accepted += batch.length;
    writing = accept(batch);
    // awaited at the next flush; until then a failure must not count as unhandled
    writing.catch(() => undefined);
  };
  const inspect = async (line: number, file: string, channelPaths: string[] | null, row: ImportRow | null): Promise<void> => {
    const inspection = await inspectChannelFiles(reachable, candidates.root, { path: file, channelPaths }, candidates.channels);
    if (!inspection.ok) problems.push({ line, path: file, reason: inspection.reason });
    else if (inspection.width < MIN_IMAGE_SIDE || inspection.height < MIN_IMAGE_SIDE) {
      problems.push({ line, path: file, reason: `image is ${inspection.width}x${inspection.height} px, smaller than ${MIN_IMAGE_SIDE}x${MIN_IMAGE_SIDE}` });
    } else if (row) ready.push({ row, contentHash: inspection.contentHash });
    report();
  };

  for await (const raw of candidates.raw) {
    if (progress.signal?.aborted) throw new JobInterruptedError('screen.generate');
    const result = checkRow(raw, candidates.root, channelNames);
    const before = problems.length;
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
    if (inspectable === null) {
      report();
      continue;
    }
    while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    if (failure) throw failure.error;
    // a row with a problem is still inspected, so that its file's problems are reported too
    const task: Promise<void> = inspect(raw.line, inspectable, result.channelPaths, problems.length === before ? result.row : null)
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
    if (ready.length >= options.batchSize) await flush();
  }
  await Promise.all(inFlight);
  if (failure) throw (failure as { error: unknown }).error;
  await flush();
  await writing;
  problems.sort((a, b) => a.line - b.line);
  return { problems, accepted };
}
