import type { Logger } from 'pino';
import type { EmbeddingRepository } from '../db/repositories/embedding.repository';
import { EvaluationRepository, type EvaluationSetRecords } from '../db/repositories/evaluation.repository';
import type { RunRepository } from '../db/repositories/run.repository';
import { roundRowsToFloat16 } from '../embedding/vector-codec';
import type { VectorMatrix } from '../numeric/matrix';
import type { DataSource } from 'typeorm';
import { EvaluationService } from './evaluation.service';
import { jsonSafe } from './json-safe';
import type { EvaluationParameters } from './tasks/evaluation-parameters';

/** One metric's largest difference between two evaluations of the same run. */
export interface MetricDifference {
  task: string;
  /** the metric's path in the task's results, list positions and cell lines folded together */
  metric: string;
  /** numbers compared: over cell lines, parameter sets and list entries */
  values: number;
  /** float16-decoded embeddings against float32 ones */
  maxAbsDifference: number;
  /** float32 against float32 again: what the evaluation itself varies by */
  repeatMaxAbsDifference: number;
}

export interface PrecisionComparison {
  images: number;
  metrics: MetricDifference[];
  /** result paths present in one evaluation and not the other, or holding different text */
  mismatches: string[];
}

/**
 * What storing a run's embeddings in float16 does to its evaluation: the run's stored
 * embeddings are evaluated three times, as read (twice) and rounded to float16 as a float16
 * deployment would read them, with every task and the given parameters; nothing is stored.
 */
export async function comparePrecisions(
  dataSource: DataSource,
  runs: RunRepository,
  embeddings: EmbeddingRepository,
  runId: string,
  parameters: EvaluationParameters,
  logger: Logger,
): Promise<PrecisionComparison> {
  const evaluate = async (round: boolean) => {
    const captured = new CapturedEvaluations(dataSource, round);
    const outcome = await new EvaluationService(runs, embeddings, captured).evaluateRun(runId, parameters, { logger, signal: new AbortController().signal });
    if (outcome.status !== 'succeeded') throw new Error(`run ${runId} cannot be evaluated: ${outcome.reason}`);
    return { images: outcome.images, values: flatten(captured.sets) };
  };
  const exact = await evaluate(false);
  const repeat = await evaluate(false);
  const half = await evaluate(true);
  const metrics = new Map<string, MetricDifference>();
  const mismatches = new Set<string>();
  for (const [path, value] of exact.values) {
    const other = half.values.get(path);
    const again = repeat.values.get(path);
    if (typeof value !== 'number' || typeof other !== 'number' || typeof again !== 'number') {
      if (value !== other || value !== again) mismatches.add(path);
      continue;
    }
    const [task, , , ...keys] = path.split('/');
    const metric = keys.join('/').replace(/^\./, '').replace(/\[\d+\]/g, '[]');
    const key = `${task}/${metric}`;
    const entry = metrics.get(key) ?? { task, metric, values: 0, maxAbsDifference: 0, repeatMaxAbsDifference: 0 };
    entry.values += 1;
    entry.maxAbsDifference = Math.max(entry.maxAbsDifference, Math.abs(value - other));
    entry.repeatMaxAbsDifference = Math.max(entry.repeatMaxAbsDifference, Math.abs(value - again));
    metrics.set(key, entry);
  }
  for (const path of half.values.keys()) if (!exact.values.has(path)) mismatches.add(path);
  return { images: exact.images, metrics: [...metrics.values()], mismatches: [...mismatches] };
}

/** The evaluation repository, reading vectors rounded to float16 or as stored, keeping results instead of storing them. */
class CapturedEvaluations extends EvaluationRepository {
  readonly sets: EvaluationSetRecords[] = [];

  constructor(
    dataSource: DataSource,
    private readonly round: boolean,
  ) {
    super(dataSource);
  }

  override async embeddedImages(...args: Parameters<EvaluationRepository['embeddedImages']>): ReturnType<EvaluationRepository['embeddedImages']> {
    const loaded = await super.embeddedImages(...args);
    return this.round ? { ...loaded, vectors: roundedMatrix(loaded.vectors) } : loaded;
  }

  override async replaceSets(_runId: string, sets: readonly EvaluationSetRecords[]): Promise<void> {
    this.sets.push(...sets);
  }
}

function roundedMatrix(matrix: VectorMatrix): VectorMatrix {
  return { ...matrix, data: roundRowsToFloat16(matrix.data, matrix.dim) };
}

/** Every leaf of the result sets by its path: task / parameters / cell line (or "all") / keys. */
function flatten(sets: readonly EvaluationSetRecords[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (path: string, value: unknown): void => {
    if (Array.isArray(value)) value.forEach((item, i) => walk(`${path}[${i}]`, item));
    else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) walk(`${path}.${key}`, item);
    else out.set(path, value);
  };
  for (const set of sets) {
    const parameters = JSON.stringify(set.parameters).replace(/\//g, '|');
    // as stored: non-finite numbers are null in Postgres too
    for (const record of set.records) walk(`${set.task}/${parameters}/${record.cellLineId ?? 'all'}/`, jsonSafe(record.result));
  }
  return out;
}
