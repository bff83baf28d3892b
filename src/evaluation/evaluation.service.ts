import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { RunEntity } from '../db/entities/run.entity';
import type { EmbeddingRepository } from '../db/repositories/embedding.repository';
import type { EvaluationRepository, ScreenCompound } from '../db/repositories/evaluation.repository';
import type { RunRepository } from '../db/repositories/run.repository';
import { JobInterruptedError } from '../queue/job-interrupted.error';
import type { LinePlan } from './cell-line.evaluator';
import { EvaluatedRuns } from './evaluated-runs';
import { EvaluationQueries } from './evaluation.queries';
import { jsonSafe } from './json-safe';
import { LineEvaluationPool } from './line-evaluation.pool';
import { DEFAULT_EVALUATION_PARAMETERS, resolveParameters, type EvaluationParameters, type ResolvedParameters } from './tasks/evaluation-parameters';
import { findCompound } from './tasks/screen-compounds';
import { EVALUATION_TASKS, TASK_NAMES } from './tasks/task.registry';

/** What the evaluation may queue. */
export interface EvaluateJobSender {
  send(name: 'run.evaluate', payload: { runId: string; parameters?: EvaluationParameters }, singletonKey?: string): Promise<string | null>;
}

export interface EvaluateJob {
  signal: AbortSignal;
  logger: Logger;
}

/** What one evaluation of a run did; seconds: loading, each task (CPU, summed over cell lines) and the wall total. */
export interface EvaluationOutcome {
  status: 'succeeded' | 'skipped';
  reason?: string;
  cellLines: number;
  images: number;
  rows: number;
  seconds: Record<string, number>;
}

/**
 * The downstream evaluation of a run's embeddings: every task of the registry
 * (tasks/task.registry.ts) on every cell line, stored as the tasks' result sets. Queries of
 * stored results, computing what is missing, are in `queries` (evaluation.queries.ts).
 */
export class EvaluationService {
  readonly queries: EvaluationQueries;
  private readonly lookup: EvaluatedRuns;

  constructor(
    private readonly runs: RunRepository,
    private readonly embeddings: EmbeddingRepository,
    private readonly evaluations: EvaluationRepository,
    private readonly queue?: EvaluateJobSender,
  ) {
    this.lookup = new EvaluatedRuns(runs, embeddings, evaluations);
    this.queries = new EvaluationQueries(this.lookup, evaluations);
  }

  /**
   * Queues the run's evaluation: one waiting per run and parameter set (the queue's singleton
   * key is the run id, with a digest of the parameters when there are any), so a request with
   * other parameters is never dropped for a waiting default one.
   */
  async queueEvaluate(runId: string, parameters?: EvaluationParameters): Promise<string | null> {
    if (!this.queue) throw new Error('this process cannot queue jobs');
    const key = parameters && Object.keys(parameters).length > 0 ? `${runId}:${parameterDigest(parameters)}` : runId;
    return this.queue.send('run.evaluate', parameters ? { runId, parameters } : { runId }, key);
  }

  /** The evaluateRun mutation: checks the run and the parameters now, so a bad request fails here and not in a worker. */
  async requestEvaluation(runId: string, parameters: EvaluationParameters = {}): Promise<{ runId: string; jobId: string | null; parameters: ResolvedParameters }> {
    const run = await this.lookup.embedded(runId);
    const resolved = resolveParameters(parameters);
    await this.plan(run, resolved);
    return { runId: run.id, jobId: await this.queueEvaluate(run.id, parameters), parameters: resolved };
  }

  /** Every chosen task, every cell line, stored. Safe to run twice: result sets are replaced. */
  async evaluateRun(runId: string, parameters: EvaluationParameters = {}, job: EvaluateJob): Promise<EvaluationOutcome> {
    const started = performance.now();
    const seconds: Record<string, number> = { load: 0 };
    for (const name of TASK_NAMES) seconds[name] = 0;
    const run = await this.runs.byId(runId);
    const set = run ? await this.embeddings.set(runId) : undefined;
    if (!run || !set || set.status !== 'complete' || set.generation === 0) {
      return { status: 'skipped', reason: !run ? 'no such run' : 'the run has no complete embeddings', cellLines: 0, images: 0, rows: 0, seconds: { ...seconds, total: 0 } };
    }
    const plan = await this.plan(run, resolveParameters(parameters));
    const cellLines = await this.evaluations.cellLinesOf(run.screenId);
    // per plan entry, per parameter set: the cell lines' results
    const collected = plan.map(({ sets }) => sets.map(() => [] as Array<{ cellLineId: number; result: object }>));
    let images = 0;
    // cell lines on worker threads, the next one loaded while the others compute
    const pool = new LineEvaluationPool();
    try {
      const inFlight = new Set<Promise<void>>();
      for (const cellLine of cellLines) {
        if (job.signal.aborted) throw new JobInterruptedError('run.evaluate');
        const start = performance.now();
        const loaded = await this.evaluations.embeddedImages(runId, { cellLineIds: [cellLine.id] });
        seconds.load += (performance.now() - start) / 1000;
        images += loaded.images.length;
        const work: Promise<void> = pool.run({ cellLine: cellLine.name, ...loaded }, plan).then((results) => {
          inFlight.delete(work);
          results.forEach((entry, e) => {
            seconds[entry.task] += entry.seconds;
            entry.lines.forEach((result, s) => collected[e][s].push({ cellLineId: cellLine.id, result }));
          });
          job.logger.debug({ run: runId, cellLine: cellLine.name, seconds: Object.fromEntries(results.map((entry) => [entry.task, entry.seconds])) }, 'cell line evaluated');
        });
        inFlight.add(work);
        if (inFlight.size >= pool.size) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    } finally {
      await pool.close();
    }
    if (job.signal.aborted) throw new JobInterruptedError('run.evaluate');
    // rows in the screen's cell-line order, whichever thread finished first
    const position = new Map(cellLines.map((line, i) => [line.id, i]));
    const byPosition = (a: { cellLineId: number }, b: { cellLineId: number }) => position.get(a.cellLineId)! - position.get(b.cellLineId)!;
    const resultSets = plan.flatMap(({ task: name, sets }, e) => {
      const task = EVALUATION_TASKS.find((candidate) => candidate.name === name)!;
      return sets.map((parameters, s) => {
        const lines = collected[e][s].sort(byPosition);
        const aggregate = task.aggregate(parameters, lines.map((line) => line.result));
        return { task: name, parameters, records: [{ cellLineId: null, result: jsonSafe(aggregate) }, ...lines] };
      });
    });
    // one transaction: readers see the whole evaluation or the one before it, and subscribers hear of it once
    await this.evaluations.replaceSets(runId, resultSets);
    const rows = resultSets.reduce((sum, set) => sum + set.records.length, 0);
    seconds.total = (performance.now() - started) / 1000;
    for (const key of Object.keys(seconds)) seconds[key] = Math.round(seconds[key] * 1000) / 1000;
    return { status: 'succeeded', cellLines: cellLines.length, images, rows, seconds };
  }

  /** The chosen tasks' parameter sets; NOT_FOUND (naming the field) for a compound the screen lacks. */
  private async plan(run: RunEntity, p: ResolvedParameters): Promise<LinePlan> {
    const compounds: readonly ScreenCompound[] = await this.evaluations.compoundsOf(run.screenId);
    findCompound(compounds, p.control, 'control');
    return EVALUATION_TASKS.filter((task) => p.tasks.some((name) => name === task.name)).map((task) => ({ task: task.name, sets: task.parameterSets(p, compounds) }));
  }
}

/** Same parameters, same digest, whatever the key order. */
function parameterDigest(parameters: EvaluationParameters): string {
  const canonical = JSON.stringify(resolveParameters(parameters), Object.keys(DEFAULT_EVALUATION_PARAMETERS).sort());
  return createHash('sha1').update(canonical).digest('hex').slice(0, 16);
}
