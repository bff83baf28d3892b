import type { ComparedEpoch, ComparedRun } from '../db/repositories/comparison.repository';

/** The resource figures compared across runs, each also given as a ratio to a reference run's. */
export const RESOURCE_FIGURES = ['wallSeconds', 'timeToBestEpochSeconds', 'imagesPerSecond', 'peakRssBytes', 'peakTensorBytes', 'gpuMemoryBytes'] as const;
export type ResourceFigure = (typeof RESOURCE_FIGURES)[number];

/** What a comparison shows of a run besides its figures. */
const RUN_FIELDS = ['setup', 'paradigm', 'cropMode', 'augment', 'status', 'backend', 'device'] as const;

export interface RunResources extends Pick<ComparedRun, (typeof RUN_FIELDS)[number]> {
  runId: string;
  epochs: number;
  /** the epoch with the lowest validation loss (training loss when none was measured) */
  bestEpoch: number | null;
  wallSeconds: number | null;
  /** wall time of the epochs up to and including the best one */
  timeToBestEpochSeconds: number | null;
  imagesPerSecond: number | null;
  peakRssBytes: number | null;
  peakTensorBytes: number | null;
  /** null where the backend does not report GPU memory */
  gpuMemoryBytes: number | null;
  /** value / the reference run's value; null where either is unknown or the reference's is 0 */
  ratios: Record<ResourceFigure, number | null>;
}

export interface ResourceComparison {
  referenceRunId: string;
  runs: RunResources[];
}

/** Per run, its epochs' totals and peaks. */
export function runResources(run: ComparedRun, epochs: readonly ComparedEpoch[]): Omit<RunResources, 'ratios'> {
  const ordered = [...epochs].sort((a, b) => a.epoch - b.epoch);
  const base = { runId: run.id, ...pickFields(run), epochs: ordered.length };
  if (ordered.length === 0) {
    return { ...base, bestEpoch: null, wallSeconds: null, timeToBestEpochSeconds: null, imagesPerSecond: null, peakRssBytes: null, peakTensorBytes: null, gpuMemoryBytes: null };
  }
  const loss = (epoch: ComparedEpoch) => epoch.validationLoss ?? epoch.trainLoss;
  let best = ordered[0];
  for (const epoch of ordered) if (loss(epoch) < loss(best)) best = epoch;
  const wallSeconds = ordered.reduce((sum, epoch) => sum + epoch.wallSeconds, 0);
  const images = ordered.reduce((sum, epoch) => sum + epoch.imagesSeen, 0);
  const gpu = ordered.map((epoch) => epoch.gpuMemoryBytes).filter((value): value is number => value !== null);
  return {
    ...base,
    bestEpoch: best.epoch,
    wallSeconds,
    timeToBestEpochSeconds: ordered.filter((epoch) => epoch.epoch <= best.epoch).reduce((sum, epoch) => sum + epoch.wallSeconds, 0),
    imagesPerSecond: wallSeconds > 0 ? images / wallSeconds : null,
    peakRssBytes: Math.max(...ordered.map((epoch) => epoch.peakRssBytes)),
    peakTensorBytes: Math.max(...ordered.map((epoch) => epoch.peakTensorBytes)),
    gpuMemoryBytes: gpu.length > 0 ? Math.max(...gpu) : null,
  };
}

/** Every run's figures and their ratios to the reference run's (the reference's ratios are 1). */
export function compareResources(runs: readonly ComparedRun[], epochs: readonly ComparedEpoch[], referenceRunId: string): ResourceComparison {
  const byRun = new Map<string, ComparedEpoch[]>();
  for (const epoch of epochs) byRun.set(epoch.runId, [...(byRun.get(epoch.runId) ?? []), epoch]);
  const rows = runs.map((run) => runResources(run, byRun.get(run.id) ?? []));
  const reference = rows.find((row) => row.runId === referenceRunId);
  if (!reference) throw new RangeError(`reference run ${referenceRunId} is not among the runs compared`);
  return {
    referenceRunId,
    runs: rows.map((row) => ({
      ...row,
      ratios: Object.fromEntries(RESOURCE_FIGURES.map((figure) => [figure, ratio(row[figure], reference[figure])])) as Record<ResourceFigure, number | null>,
    })),
  };
}

function pickFields(run: ComparedRun): Pick<ComparedRun, (typeof RUN_FIELDS)[number]> {
  return Object.fromEntries(RUN_FIELDS.map((field) => [field, run[field]])) as Pick<ComparedRun, (typeof RUN_FIELDS)[number]>;
}

function ratio(value: number | null, reference: number | null): number | null {
  if (value === null || reference === null || reference === 0) return null;
  return value / reference;
}
