import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { RunEntity } from '../db/entities/run.entity';
import type { EmbeddingRepository } from '../db/repositories/embedding.repository';
import type { EvaluationImage, EvaluationRepository, NamedEntity, ScreenCompound, StoredEvaluation } from '../db/repositories/evaluation.repository';
import type { RunRepository } from '../db/repositories/run.repository';
import { BadUserInputError, NotFoundError } from '../errors/app-errors';
import { JobInterruptedError } from '../queue/job-interrupted.error';
import { clusterQuality, compoundConsistency } from './cluster-quality.metrics';
import { DEFAULT_MIN_CLUSTER_SIZES } from './clustering.evaluator';
import {
  EVALUATION_TASKS,
  type ClassificationAggregateResult,
  type ClassificationCellLineResult,
  type ClassificationParameters,
  type ClusteringAggregateResult,
  type ClusteringCellLineResult,
  type ClusteringParameters,
  type EvaluationOutcome,
  type EvaluationParameters,
  type EvaluationTask,
  type MapAggregateResult,
  type MapCellLineResult,
  type MapKind,
  type MapParameters,
  type SimilarityAggregateResult,
  type SimilarityCellLineResult,
  type SimilarityParameters,
} from './evaluation-results';
import { hdbscanSweep } from './hdbscan.clusterer';
import {
  aggregateClassification,
  aggregateClustering,
  aggregateMap,
  aggregateSimilarity,
  byCompound,
  classificationOfLine,
  clusteringOfLine,
  jsonSafe,
  mapOfLine,
  similarityOfLine,
  type LineData,
  type LinePlan,
} from './run.evaluator';
import { LineEvaluationPool } from './line-evaluation.pool';
import { undefinedBecause } from './undefined-value';
import { matrixFromRows } from '../numeric/matrix';

/** What the evaluation may queue. */
export interface EvaluateJobSender {
  send(name: 'run.evaluate', payload: { runId: string; parameters?: EvaluationParameters }, singletonKey?: string): Promise<string | null>;
}

export interface EvaluateJob {
  signal: AbortSignal;
  logger: Logger;
}

/** Every parameter with its default filled in. */
export type ResolvedParameters = Required<EvaluationParameters>;

export const DEFAULT_EVALUATION_PARAMETERS: ResolvedParameters = {
  drugA: 'Methotrexate',
  drugB: 'Pemetrexed',
  control: 'DMSO',
  moaGroups: true,
  testFraction: 0.25,
  pcaComponents: 50,
  c: 1,
  minClusterSizes: [...DEFAULT_MIN_CLUSTER_SIZES],
  minSamples: 1,
  nullSize: 10000,
  threshold: 0.05,
  seed: 0,
  tasks: [...EVALUATION_TASKS],
};

/** A result set as the API shows it: the aggregate row and the cell lines' rows. */
export interface ResultSet<Aggregate, Line> {
  runId: string;
  parameters: Record<string, unknown>;
  createdAt: Date;
  aggregate: Aggregate | null;
  cellLines: Array<{ cellLineId: number; result: Line }>;
}

/**
 * The downstream evaluation of a run's embeddings: the rules of what is computed with
 * which parameters, where it is stored, and what the API may ask for. The computing is in
 * run.evaluator.ts (pure); storage in EvaluationRepository.
 */
export class EvaluationService {
  constructor(
    private readonly runs: RunRepository,
    private readonly embeddings: EmbeddingRepository,
    private readonly evaluations: EvaluationRepository,
    private readonly queue?: EvaluateJobSender,
  ) {}

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
  async requestEvaluation(runIdOrName: string, parameters: EvaluationParameters = {}): Promise<{ runId: string; jobId: string | null; parameters: ResolvedParameters }> {
    const run = await this.embeddedRun(runIdOrName);
    const resolved = resolveParameters(parameters);
    await this.checkCompounds(run, resolved);
    return { runId: run.id, jobId: await this.queueEvaluate(run.id, parameters), parameters: resolved };
  }

  /** Every task, every cell line, stored. Safe to run twice: result sets are replaced. */
  async evaluateRun(runId: string, parameters: EvaluationParameters = {}, job: EvaluateJob): Promise<EvaluationOutcome> {
    const started = performance.now();
    const seconds = { load: 0, similarity: 0, classification: 0, clustering: 0, map: 0, total: 0 };
    const run = await this.runs.byId(runId);
    const set = run ? await this.embeddings.set(runId) : undefined;
    if (!run || !set || set.status !== 'complete' || set.generation === 0) {
      return { status: 'skipped', reason: !run ? 'no such run' : 'the run has no complete embeddings', cellLines: 0, images: 0, rows: 0, seconds };
    }
    const p = resolveParameters(parameters);
    const compounds = await this.checkCompounds(run, p);
    const cellLines = await this.evaluations.cellLinesOf(run.screenId);
    const tasks = new Set(p.tasks);
    const groups = similarityGroups(p, compounds);
    const similarity = groups.map(() => [] as Array<{ cellLineId: number; result: SimilarityCellLineResult }>);
    const classification: Array<{ cellLineId: number; result: ClassificationCellLineResult }> = [];
    const clustering: Array<{ cellLineId: number; result: ClusteringCellLineResult }> = [];
    const maps: Record<MapKind, Array<{ cellLineId: number; result: MapCellLineResult }>> = { activity: [], consistency: [] };
    const plan: LinePlan = {
      similarity: tasks.has('similarity') ? groups : [],
      classification: tasks.has('classification') ? classificationParameters(p) : undefined,
      clustering: tasks.has('clustering') ? clusteringParameters(p) : undefined,
      maps: tasks.has('map') ? (['activity', 'consistency'] as const).map((kind) => mapParameters(p, kind)) : [],
    };
    let images = 0;
    // cell lines on worker threads, the next one loaded while the others compute
    const pool = new LineEvaluationPool();
    try {
      const inFlight = new Set<Promise<void>>();
      for (const cellLine of cellLines) {
        if (job.signal.aborted) throw new JobInterruptedError('run.evaluate');
        const start = performance.now();
        const line = toLine(cellLine.name, await this.evaluations.embeddedImages(runId, { cellLineIds: [cellLine.id] }));
        seconds.load += (performance.now() - start) / 1000;
        images += line.images.length;
        const work: Promise<void> = pool.run(line, plan).then((results) => {
          inFlight.delete(work);
          for (const stage of ['similarity', 'classification', 'clustering', 'map'] as const) seconds[stage] += results.seconds[stage];
          results.similarity.forEach((result, g) => similarity[g].push({ cellLineId: cellLine.id, result }));
          if (results.classification) classification.push({ cellLineId: cellLine.id, result: results.classification });
          if (results.clustering) clustering.push({ cellLineId: cellLine.id, result: results.clustering });
          for (const result of results.maps) maps[result.kind].push({ cellLineId: cellLine.id, result });
          job.logger.debug({ run: runId, cellLine: cellLine.name, images: results.seconds }, 'cell line evaluated');
        });
        inFlight.add(work);
        if (inFlight.size >= pool.size) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    } finally {
      await pool.close();
    }
    const byName = (a: { cellLineId: number }, b: { cellLineId: number }) => order.get(a.cellLineId)! - order.get(b.cellLineId)!;
    const order = new Map(cellLines.map((line, i) => [line.id, i]));
    for (const list of [...similarity, classification, clustering, maps.activity, maps.consistency]) list.sort(byName);
    if (job.signal.aborted) throw new JobInterruptedError('run.evaluate');
    let rows = 0;
    const store = async (task: EvaluationTask, parameters: object, aggregate: object, lines: Array<{ cellLineId: number; result: object }>) => {
      const records = [{ cellLineId: null, result: jsonSafe(aggregate) }, ...lines.map((line) => ({ cellLineId: line.cellLineId, result: jsonSafe(line.result) }))];
      await this.evaluations.replace(runId, task, parameters, records, 'all');
      rows += records.length;
    };
    if (tasks.has('similarity')) {
      for (let g = 0; g < groups.length; g += 1) await store('similarity', groups[g], aggregateSimilarity(groups[g], similarity[g].map((l) => l.result)), similarity[g]);
    }
    if (tasks.has('classification')) await store('classification', classificationParameters(p), aggregateClassification(classification.map((l) => l.result)), classification);
    if (tasks.has('clustering')) {
      const parameters = clusteringParameters(p);
      await store('clustering', parameters, aggregateClustering(clustering.map((l) => l.result), parameters.minClusterSizes), clustering);
    }
    if (tasks.has('map')) {
      for (const kind of ['activity', 'consistency'] as const) await store('map', mapParameters(p, kind), aggregateMap(kind, maps[kind].map((l) => l.result)), maps[kind]);
    }
    seconds.total = (performance.now() - started) / 1000;
    for (const key of Object.keys(seconds) as Array<keyof typeof seconds>) seconds[key] = Math.round(seconds[key] * 1000) / 1000;
    return { status: 'succeeded', cellLines: cellLines.length, images, rows, seconds };
  }

  // ---- queries: stored results, else computed now, stored and returned ----

  /** Task 1 for a pair (or, with `moa`, every compound of the screen with that MoA). */
  async similarity(request: { run: string; drugA?: string; drugB?: string; control?: string; moa?: string; cellLine?: string }): Promise<ResultSet<SimilarityAggregateResult, SimilarityCellLineResult>> {
    const run = await this.embeddedRun(request.run);
    const compounds = await this.evaluations.compoundsOf(run.screenId);
    const control = findCompound(compounds, request.control ?? DEFAULT_EVALUATION_PARAMETERS.control);
    let parameters: SimilarityParameters;
    if (request.moa !== undefined && request.moa !== null) {
      const members = compounds.filter((c) => !c.isControl && c.moa !== null && c.moa.toLowerCase() === request.moa!.toLowerCase());
      if (members.length === 0) throw new NotFoundError('mechanism of action in the screen', request.moa);
      if (members.length < 2) throw new BadUserInputError(`only ${members[0].name} has MoA ${request.moa} in this screen: a group needs two compounds`, 'moa');
      parameters = { compounds: members.map((c) => c.name).sort(), control: control.name, moa: members[0].moa };
    } else {
      const a = findCompound(compounds, request.drugA ?? DEFAULT_EVALUATION_PARAMETERS.drugA);
      const b = findCompound(compounds, request.drugB ?? DEFAULT_EVALUATION_PARAMETERS.drugB);
      if (a.id === b.id) throw new BadUserInputError(`drugA and drugB must differ, both are ${a.name}`, 'drugB');
      for (const [field, drug] of [['drugA', a], ['drugB', b]] as const) if (drug.id === control.id) throw new BadUserInputError(`${field} cannot be the control ${control.name}`, field);
      parameters = pairParameters(a.name, b.name, control.name);
    }
    const cellLine = request.cellLine === undefined || request.cellLine === null ? undefined : await this.cellLine(run, request.cellLine);
    let rows = await this.evaluations.find<SimilarityAggregateResult | SimilarityCellLineResult>(run.id, 'similarity', parameters);
    if (rows.length === 0) {
      // every cell line: the aggregate needs them all, and two compounds' images are few
      const ids = compounds.filter((c) => parameters.compounds.includes(c.name) || c.name === parameters.control).map((c) => c.id);
      const loaded = await this.evaluations.embeddedImages(run.id, { compoundIds: ids });
      const lines = (await this.evaluations.cellLinesOf(run.screenId)).map((line) => ({ cellLineId: line.id, result: similarityOfLine(subset(loaded, line), parameters) }));
      await this.evaluations.replace(run.id, 'similarity', parameters, [
        { cellLineId: null, result: jsonSafe(aggregateSimilarity(parameters, lines.map((l) => l.result))) },
        ...lines.map((l) => ({ cellLineId: l.cellLineId, result: jsonSafe(l.result) })),
      ]);
      rows = await this.evaluations.find(run.id, 'similarity', parameters);
    }
    return toResultSet(run.id, rows, cellLine) as ResultSet<SimilarityAggregateResult, SimilarityCellLineResult>;
  }

  /** Task 2 for every cell line, or one. */
  async classification(request: { run: string; cellLine?: string }): Promise<ResultSet<ClassificationAggregateResult, ClassificationCellLineResult>> {
    const run = await this.embeddedRun(request.run);
    const cellLine = request.cellLine === undefined || request.cellLine === null ? undefined : await this.cellLine(run, request.cellLine);
    const parameters = await this.latestParameters(run.id, 'classification', classificationParameters(DEFAULT_EVALUATION_PARAMETERS));
    const rows = await this.ensureLines(run, 'classification', parameters, cellLine, (line) => classificationOfLine(line, parameters as unknown as ClassificationParameters), (lines) =>
      aggregateClassification(lines as ClassificationCellLineResult[]),
    );
    return toResultSet(run.id, rows, cellLine) as ResultSet<ClassificationAggregateResult, ClassificationCellLineResult>;
  }

  /**
   * Task 3 for one cell line. A min_cluster_size outside the stored sweep is clustered now on
   * the stored 2-D coordinates (the same UMAP embedding) and added to the stored sweep.
   */
  async clustering(request: { run: string; cellLine: string; minClusterSize?: number }): Promise<{ runId: string; cellLineId: number; parameters: Record<string, unknown>; result: ClusteringCellLineResult; createdAt: Date }> {
    const run = await this.embeddedRun(request.run);
    const cellLine = await this.cellLine(run, request.cellLine);
    const m = request.minClusterSize;
    if (m !== undefined && m !== null && (!Number.isInteger(m) || m < 2 || m > 100000)) throw new BadUserInputError(`minClusterSize must be an integer from 2 to 100000, got ${m}`, 'minClusterSize');
    const parameters = await this.latestParameters(run.id, 'clustering', clusteringParameters(DEFAULT_EVALUATION_PARAMETERS));
    const rows = await this.ensureLines(run, 'clustering', parameters, cellLine, (line) => clusteringOfLine(line, parameters as unknown as ClusteringParameters), (lines) =>
      aggregateClustering(lines as ClusteringCellLineResult[], (parameters as unknown as ClusteringParameters).minClusterSizes),
    );
    const row = rows.find((r) => r.cellLineId === cellLine.id) as StoredEvaluation<ClusteringCellLineResult>;
    let result = row.result;
    if (m !== undefined && m !== null && result.status === 'ok' && !result.sweep.some((point) => point.minClusterSize === m)) {
      const coordinates = matrixFromRows(result.coordinates, 2);
      const [clustered] = hdbscanSweep(coordinates, [m], { minSamples: (parameters as unknown as ClusteringParameters).minSamples });
      const consistency = compoundConsistency(clustered.labels, result.compounds);
      const point = {
        minClusterSize: m,
        labels: Array.from(clustered.labels),
        probabilities: Array.from(clustered.probabilities),
        clusterCount: clustered.clusterCount,
        noiseShare: clustered.noiseCount / coordinates.rows,
        quality: clusterQuality(coordinates, clustered.labels),
        consistency: clustered.clusterCount === 0 ? undefinedBecause(`no cluster at min_cluster_size ${m}: every image is noise`) : consistency.value,
        consistencyByCompound: consistency.perCompound,
        onDemand: true,
      };
      result = jsonSafe({ ...result, sweep: [...result.sweep, point].sort((a, b) => a.minClusterSize - b.minClusterSize) });
      await this.evaluations.updateResult(row.id, result);
    }
    return { runId: run.id, cellLineId: cellLine.id, parameters: row.parameters, result, createdAt: row.createdAt };
  }

  /** mAP of one kind, every cell line (or one) and the aggregate. */
  async meanAveragePrecision(request: { run: string; kind: MapKind; cellLine?: string }): Promise<ResultSet<MapAggregateResult, MapCellLineResult>> {
    if (request.kind !== 'activity' && request.kind !== 'consistency') throw new BadUserInputError(`kind must be activity or consistency, got ${String(request.kind)}`, 'kind');
    const run = await this.embeddedRun(request.run);
    const cellLine = request.cellLine === undefined || request.cellLine === null ? undefined : await this.cellLine(run, request.cellLine);
    const parameters = await this.latestParameters(run.id, 'map', mapParameters(DEFAULT_EVALUATION_PARAMETERS, request.kind), { kind: request.kind });
    const rows = await this.ensureLines(run, 'map', parameters, undefined, (line) => mapOfLine(line, parameters as unknown as MapParameters), (lines) =>
      aggregateMap(request.kind, lines as MapCellLineResult[]),
    );
    return toResultSet(run.id, rows, cellLine) as ResultSet<MapAggregateResult, MapCellLineResult>;
  }

  /** Every stored row of a run (reports and the dashboard read these). */
  async results(runIdOrName: string, task?: EvaluationTask): Promise<StoredEvaluation[]> {
    const run = await this.run(runIdOrName);
    return this.evaluations.list(run.id, task);
  }

  /**
   * The parameters of the most recently stored result set of the task (so results of an
   * evaluateRun with other parameters are what queries show), else the defaults.
   */
  private async latestParameters(runId: string, task: EvaluationTask, defaults: object, match: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const rows = (await this.evaluations.list(runId, task)).filter((row) => row.cellLineId === null && Object.entries(match).every(([k, v]) => row.parameters[k] === v));
    return rows.length > 0 ? rows[rows.length - 1].parameters : (defaults as Record<string, unknown>);
  }

  /**
   * The result set's rows, computing what is missing: the wanted cell line (or, without one,
   * every cell line) and the aggregate, which is recomputed when a cell line was added.
   */
  private async ensureLines(
    run: RunEntity,
    task: EvaluationTask,
    parameters: Record<string, unknown>,
    cellLine: NamedEntity | undefined,
    compute: (line: LineData) => object,
    aggregate: (lines: object[]) => object,
  ): Promise<StoredEvaluation[]> {
    let rows = await this.evaluations.find(run.id, task, parameters);
    const all = await this.evaluations.cellLinesOf(run.screenId);
    const have = new Set(rows.map((r) => r.cellLineId));
    const wanted = (cellLine ? [cellLine] : all).filter((line) => !have.has(line.id));
    if (wanted.length === 0 && have.has(null)) return rows;
    const added: Array<{ cellLineId: number | null; result: object }> = [];
    for (const line of wanted) {
      const loaded = await this.evaluations.embeddedImages(run.id, { cellLineIds: [line.id] });
      added.push({ cellLineId: line.id, result: jsonSafe(compute(toLine(line.name, loaded))) });
    }
    const lineResults = [...rows.filter((r) => r.cellLineId !== null).map((r) => r.result as object), ...added.map((a) => a.result)];
    // the aggregate covers the cell lines computed so far; complete once all are
    added.push({ cellLineId: null, result: jsonSafe(aggregate(lineResults)) });
    await this.evaluations.replace(run.id, task, parameters, added, 'rows');
    rows = await this.evaluations.find(run.id, task, parameters);
    return rows;
  }

  private async checkCompounds(run: RunEntity, p: ResolvedParameters): Promise<ScreenCompound[]> {
    const compounds = await this.evaluations.compoundsOf(run.screenId);
    if (p.tasks.includes('similarity')) {
      findCompound(compounds, p.drugA, 'drugA');
      findCompound(compounds, p.drugB, 'drugB');
    }
    findCompound(compounds, p.control, 'control');
    return compounds;
  }

  private async run(idOrName: string): Promise<RunEntity> {
    const run = /^[0-9a-f-]{36}$/i.test(idOrName) ? await this.runs.byId(idOrName) : null;
    if (!run) throw new NotFoundError('run', idOrName);
    return run;
  }

  private async embeddedRun(id: string): Promise<RunEntity> {
    const run = await this.run(id);
    const set = await this.embeddings.set(run.id);
    if (!set || set.generation === 0) throw new NotFoundError('embeddings of run', id);
    return run;
  }

  private async cellLine(run: RunEntity, idOrName: string): Promise<NamedEntity> {
    const lines = await this.evaluations.cellLinesOf(run.screenId);
    const found = lines.find((line) => String(line.id) === idOrName || line.name.toLowerCase() === idOrName.toLowerCase());
    if (!found) throw new NotFoundError('cell line in the screen', idOrName);
    return found;
  }
}

/** Fills in the defaults; a bad value is the caller's error (BAD_USER_INPUT, naming the field). */
export function resolveParameters(input: EvaluationParameters = {}): ResolvedParameters {
  const p = { ...DEFAULT_EVALUATION_PARAMETERS } as ResolvedParameters;
  for (const [key, value] of Object.entries(input)) if (value !== undefined && value !== null) (p as unknown as Record<string, unknown>)[key] = value;
  const number = (field: keyof EvaluationParameters, value: number, ok: boolean, range: string) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || !ok) throw new BadUserInputError(`${field} must be ${range}, got ${String(value)}`, field);
  };
  for (const field of ['drugA', 'drugB', 'control'] as const) {
    if (typeof p[field] !== 'string' || p[field].trim() === '') throw new BadUserInputError(`${field} must be a compound name`, field);
    p[field] = p[field].trim();
  }
  if (p.drugA.toLowerCase() === p.drugB.toLowerCase()) throw new BadUserInputError(`drugA and drugB must differ, both are ${p.drugA}`, 'drugB');
  for (const field of ['drugA', 'drugB'] as const) if (p[field].toLowerCase() === p.control.toLowerCase()) throw new BadUserInputError(`${field} cannot be the control ${p.control}`, field);
  number('testFraction', p.testFraction, p.testFraction > 0 && p.testFraction < 1, 'in (0, 1)');
  number('pcaComponents', p.pcaComponents, Number.isInteger(p.pcaComponents) && p.pcaComponents >= 2 && p.pcaComponents <= 2048, 'an integer from 2 to 2048');
  number('c', p.c, p.c > 0, 'positive');
  number('minSamples', p.minSamples, Number.isInteger(p.minSamples) && p.minSamples >= 1 && p.minSamples <= 1000, 'an integer from 1 to 1000');
  number('nullSize', p.nullSize, Number.isInteger(p.nullSize) && p.nullSize >= 100 && p.nullSize <= 1_000_000, 'an integer from 100 to 1000000');
  number('threshold', p.threshold, p.threshold > 0 && p.threshold < 1, 'in (0, 1)');
  number('seed', p.seed, Number.isInteger(p.seed), 'an integer');
  if (!Array.isArray(p.minClusterSizes) || p.minClusterSizes.length === 0 || p.minClusterSizes.length > 20 || p.minClusterSizes.some((m) => !Number.isInteger(m) || m < 2 || m > 100000)) {
    throw new BadUserInputError('minClusterSizes must be 1 to 20 integers from 2 to 100000', 'minClusterSizes');
  }
  p.minClusterSizes = [...new Set(p.minClusterSizes)].sort((a, b) => a - b);
  if (!Array.isArray(p.tasks) || p.tasks.length === 0 || p.tasks.some((t) => !EVALUATION_TASKS.includes(t))) throw new BadUserInputError(`tasks must be some of ${EVALUATION_TASKS.join(', ')}`, 'tasks');
  p.tasks = EVALUATION_TASKS.filter((t) => p.tasks.includes(t));
  if (typeof p.moaGroups !== 'boolean') throw new BadUserInputError('moaGroups must be true or false', 'moaGroups');
  return p;
}

export function classificationParameters(p: ResolvedParameters): ClassificationParameters {
  return { heldOut: 'plate', testFraction: p.testFraction, pcaComponents: p.pcaComponents, c: p.c, control: p.control, seed: p.seed };
}

export function clusteringParameters(p: ResolvedParameters): ClusteringParameters {
  return { minClusterSizes: p.minClusterSizes, minSamples: p.minSamples, pcaComponents: p.pcaComponents, seed: p.seed };
}

export function mapParameters(p: ResolvedParameters, kind: MapKind): MapParameters {
  return { kind, level: kind === 'activity' ? 'well' : 'compound-top-dose', control: p.control, nullSize: p.nullSize, threshold: p.threshold, seed: p.seed };
}

export function pairParameters(a: string, b: string, control: string): SimilarityParameters {
  return { compounds: [a, b].sort(), control, moa: null };
}

/** The pair, then (with moaGroups) one group per MoA that two or more of the screen's drugs share. */
function similarityGroups(p: ResolvedParameters, compounds: readonly ScreenCompound[]): SimilarityParameters[] {
  const name = (wanted: string) => findCompound(compounds, wanted).name;
  const control = name(p.control);
  const groups = [pairParameters(name(p.drugA), name(p.drugB), control)];
  if (!p.moaGroups) return groups;
  const byMoa = new Map<string, string[]>();
  for (const c of compounds) if (!c.isControl && c.moa) byMoa.set(c.moa, [...(byMoa.get(c.moa) ?? []), c.name]);
  for (const [moa, names] of [...byMoa].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) if (names.length >= 2) groups.push({ compounds: names.sort(), control, moa });
  return groups;
}

/** Same parameters, same digest, whatever the key order. */
function parameterDigest(parameters: EvaluationParameters): string {
  const canonical = JSON.stringify(resolveParameters(parameters), Object.keys(DEFAULT_EVALUATION_PARAMETERS).sort());
  return createHash('sha1').update(canonical).digest('hex').slice(0, 16);
}

function findCompound(compounds: readonly ScreenCompound[], idOrName: string, field?: string): ScreenCompound {
  const found = compounds.find((c) => String(c.id) === idOrName || c.name.toLowerCase() === idOrName.toLowerCase());
  if (!found) {
    const error = new NotFoundError('compound in the screen', idOrName);
    if (field) error.extensions.field = field;
    throw error;
  }
  return found;
}

function toLine(cellLine: string, loaded: { images: EvaluationImage[]; vectors: LineData['vectors'] }): LineData {
  return { cellLine, images: loaded.images, vectors: loaded.vectors };
}

function subset(loaded: { images: EvaluationImage[]; vectors: LineData['vectors'] }, line: NamedEntity): LineData {
  const rows: number[] = [];
  loaded.images.forEach((image, i) => {
    if (image.cellLineId === line.id) rows.push(i);
  });
  const dim = loaded.vectors.dim;
  const data = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => data.set(loaded.vectors.data.subarray(r * dim, (r + 1) * dim), i * dim));
  return { cellLine: line.name, images: rows.map((r) => loaded.images[r]), vectors: { rows: rows.length, dim, data } };
}

function toResultSet(runId: string, rows: StoredEvaluation[], cellLine?: NamedEntity): ResultSet<unknown, unknown> {
  const aggregate = rows.find((r) => r.cellLineId === null);
  return {
    runId,
    parameters: (aggregate ?? rows[0])?.parameters ?? {},
    createdAt: (aggregate ?? rows[0])?.createdAt ?? new Date(),
    aggregate: aggregate?.result ?? null,
    cellLines: rows.filter((r) => r.cellLineId !== null && (!cellLine || r.cellLineId === cellLine.id)).map((r) => ({ cellLineId: r.cellLineId as number, result: r.result })),
  };
}
