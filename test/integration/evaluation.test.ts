import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { graphql as execute } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestContext } from '../../src/api/context';
import { buildApiSchema } from '../../src/api/schema';
import type { Config } from '../../src/config';
import { openDatabase, type Database } from '../../src/db/database';
import { EvaluationRepository } from '../../src/db/repositories/evaluation.repository';
import { classificationOfLine } from '../../src/evaluation/tasks/classification/classification-line';
import { aggregateClassification, classificationParameters } from '../../src/evaluation/tasks/classification/classification.task';
import { clusteringOfLine, clusteringParameters } from '../../src/evaluation/tasks/clustering/clustering.task';
import { DEFAULT_EVALUATION_PARAMETERS } from '../../src/evaluation/tasks/evaluation-parameters';
import type { LineData } from '../../src/evaluation/tasks/evaluation-task';
import { aggregateMap, mapOfLine } from '../../src/evaluation/tasks/map/map-line';
import { mapParameters } from '../../src/evaluation/tasks/map/map.task';
import { moaNeighbours, treatmentProfiles } from '../../src/evaluation/tasks/nsc/nsc-line';
import { aggregateNsc } from '../../src/evaluation/tasks/nsc/nsc.task';
import { pairParameters } from '../../src/evaluation/tasks/similarity/similarity.parameters';
import { aggregateSimilarity, similarityOfLine } from '../../src/evaluation/tasks/similarity/similarity.task';
import { jsonSafe } from '../../src/evaluation/json-safe';
import { adjustedMutualInformation } from '../../src/evaluation/mutual-information.metrics';
import { selectRows } from '../../src/numeric/matrix';
import { createLogger } from '../../src/logger';
import { createServices, type Services } from '../../src/services';
import { createJobHandlers } from '../../workers/job-handlers';
import { RecordingQueue } from '../support/recording-queue';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/test-database';

const logger = createLogger('silent');
const never = () => new AbortController().signal;

/** Every number in a JSON text is finite: NaN and Infinity never get this far. */
function expectNoNaN(value: unknown): void {
  const text = JSON.stringify(value);
  expect(text).not.toMatch(/NaN|Infinity/);
  JSON.parse(text, (_key, v) => {
    if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
    return v;
  });
}

describe('evaluation of a run on the tiny screen', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let config: Config;
  let services: Services;
  let schema: GraphQLSchema;
  let dataDir: string;
  let runId: string;
  const queue = new RecordingQueue();

  const query = async (source: string, variables?: Record<string, unknown>, role?: 'reader' | 'writer') => {
    const result = await execute({ schema, source, variableValues: variables, contextValue: createRequestContext(role ? { role, keyId: 'k' } : undefined, services) });
    return { data: result.data as any, errors: result.errors };
  };
  const rowCount = async (task?: string): Promise<number> =>
    (await database.dataSource.query('SELECT count(*)::int AS n FROM evaluations WHERE run_id = $1 AND ($2::text IS NULL OR task = $2)', [runId, task ?? null]))[0].n;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('evaluation');
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-evaluation-'));
    config = testConfig(testDatabase.url, { MORPHOSPACE_DATA_DIR: dataDir, MORPHOSPACE_BACKEND: 'wasm', MORPHOSPACE_THREADS: '1' });
    database = await openDatabase(config, logger, { migrate: true });
    services = createServices(config, database, queue);
    schema = await buildApiSchema({ requireReaderForQueries: false });
    await services.screens.generateAndRegister({ preset: 'tiny', seed: 7, name: 'tiny' });
    const { runs } = await services.sweeps.create({
      screen: 'tiny',
      setups: ['weakly-supervised/one-crop'],
      profile: 'quick',
      overrides: { epochs: 1, batchSize: 16, imagesPerEpoch: 32, learningRate: 1e-3 },
    });
    runId = runs[0].id;
    expect(await services.training.train(runId, { jobId: 'train', signal: never(), logger })).toBe('succeeded');
    // the embed job's handler: embeds, then queues the evaluation
    await createJobHandlers({ services })['run.embed']({ runId }, { jobId: 'embed', logger, signal: never() });
  }, 120_000);
  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('queues run.evaluate, once per run, when embedding succeeds', () => {
    expect(queue.sent.filter((job) => job.name === 'run.evaluate')).toEqual([{ name: 'run.evaluate', payload: { runId }, key: runId }]);
  });

  it('stores every task per cell line plus an aggregate, and a re-run replaces them', async () => {
    await createJobHandlers({ services })['run.evaluate']({ runId }, { jobId: 'evaluate', logger, signal: never() });
    // pair MTX-PTX + MoA groups antifolate and taxane: 3 result sets; map: activity + consistency
    const expected = { similarity: 3 * 4, classification: 4, clustering: 4, map: 2 * 4, nsc: 4 };
    for (const [task, n] of Object.entries(expected)) expect(await rowCount(task)).toBe(n);
    const lines: Array<{ task: string; n: number }> = await database.dataSource.query(
      'SELECT task, count(DISTINCT cell_line_id)::int AS n FROM evaluations WHERE run_id = $1 AND cell_line_id IS NOT NULL GROUP BY task ORDER BY task',
      [runId],
    );
    expect(lines.every((line) => line.n === 3)).toBe(true);
    const again = await services.evaluations.evaluateRun(runId, {}, { logger, signal: never() });
    expect(again).toMatchObject({ status: 'succeeded', cellLines: 3, images: 144, rows: 32 });
    expect(await rowCount()).toBe(32);
    const stored: Array<{ text: string }> = await database.dataSource.query('SELECT result::text AS text FROM evaluations WHERE run_id = $1', [runId]);
    for (const row of stored) expect(row.text).not.toMatch(/NaN|Infinity/);
  }, 60_000);

  it('answers similarity with typed per-cell-line medians, D^-1 and d, and computes another pair on demand', async () => {
    const SIMILARITY = `query ($run: ID!, $a: String!, $b: String!, $cellLine: ID) { similarity(run: $run, drugA: $a, drugB: $b, cellLine: $cellLine) {
      compounds control moa aggregate { metric relativeDistance { median { value reason } mad { value } cellLines } }
      cellLines { cellLine images metrics { metric pairs { compoundA compoundB medianAB { value } medianAControl { value } } inverseDistance { value reason } relativeDistance { value reason } } } } }`;
    const { data, errors } = await query(SIMILARITY, { run: runId, a: 'Pemetrexed', b: 'Methotrexate' });
    expect(errors).toBeUndefined();
    expect(data.similarity.compounds).toEqual(['Methotrexate', 'Pemetrexed']);
    expect(data.similarity.cellLines.map((l: any) => l.cellLine).sort()).toEqual(['ACHN', 'HT29', 'MDAMB231']);
    expect(data.similarity.aggregate.map((a: any) => a.metric)).toEqual(['euclidean', 'cosine', 'correlation', 'braycurtis']);
    expect(typeof data.similarity.cellLines[0].metrics[0].relativeDistance.value).toBe('number');
    const before = await rowCount('similarity');
    const other = await query(SIMILARITY, { run: runId, a: 'Paclitaxel', b: 'Metformin', cellLine: 'HT29' });
    expect(other.errors).toBeUndefined();
    expect(other.data.similarity.cellLines.map((l: any) => l.cellLine)).toEqual(['HT29']);
    expect(await rowCount('similarity')).toBe(before + 4);
    await query(SIMILARITY, { run: runId, a: 'Paclitaxel', b: 'Metformin' });
    expect(await rowCount('similarity')).toBe(before + 4);
    const group = await query(`query ($run: ID!) { similarity(run: $run, moa: "microtubule stabiliser") { compounds moa } }`, { run: runId });
    expect(group.errors).toBeUndefined();
    expect(group.data.similarity).toEqual({ compounds: ['Docetaxel', 'Paclitaxel'], moa: 'microtubule stabiliser' });
  });

  it('answers classification with metrics from held-out plates, activity scores and top-dose ROC-AUC', async () => {
    const { data, errors } = await query(`query ($run: ID!) { classification(run: $run, cellLine: "ACHN") {
      parameters aggregate { rocAuc { median { value reason } cellLines } topDoseRocAuc { median { value reason } } }
      cellLines { cellLine reason trainPlates heldOutPlates train test accuracy { value reason } f1 { value reason } precision { value reason } recall { value reason } specificity { value reason } rocAuc { value reason }
        topDoseRocAuc { value reason } topDose { compound concentration images rocAuc { value reason } } activityScores { compound isControl images score { value reason } byConcentration { concentration score { value } } } } } }`, { run: runId });
    expect(errors).toBeUndefined();
    const [line] = data.classification.cellLines;
    expect(line.cellLine).toBe('ACHN');
    expect(line.reason).toBeNull();
    expect(line.heldOutPlates).toHaveLength(1);
    expect(line.trainPlates).toHaveLength(1);
    expect(line.train + line.test).toBe(48);
    expect(line.rocAuc.value).toBeGreaterThanOrEqual(0);
    expect(line.rocAuc.value).toBeLessThanOrEqual(1);
    expect(line.topDose.map((t: any) => t.compound).sort()).toEqual(['Docetaxel', 'Metformin', 'Methotrexate', 'Paclitaxel', 'Pemetrexed']);
    expect(line.activityScores.find((s: any) => s.compound === 'DMSO')).toMatchObject({ isControl: true });
    for (const score of line.activityScores) expect(score.score.value === null ? typeof score.score.reason : typeof score.score.value).toMatch(/number|string/);
    expect(data.classification.parameters).toMatchObject({ heldOut: 'plate', control: 'DMSO' });
    expectNoNaN(data);
  });

  it('answers clustering with coordinates and labels, and clusters a min_cluster_size outside the sweep on demand', async () => {
    const CLUSTERING = `query ($run: ID!, $m: Int) { clustering(run: $run, cellLine: "HT29", minClusterSize: $m) { cellLine reason points imageIds compounds coordinates
      sweep { minClusterSize clusterCount noiseShare labels onDemand consistency { value reason } ami { value reason } quality { silhouette { value reason } daviesBouldin { value reason } } } } }`;
    const { data, errors } = await query(CLUSTERING, { run: runId, m: 5 });
    expect(errors).toBeUndefined();
    expect(data.clustering.points).toBe(48);
    expect(data.clustering.coordinates).toHaveLength(48);
    expect(data.clustering.sweep).toHaveLength(1);
    expect(data.clustering.sweep[0]).toMatchObject({ minClusterSize: 5, onDemand: false });
    expect(data.clustering.sweep[0].labels).toHaveLength(48);
    const extra = await query(CLUSTERING, { run: runId, m: 7 });
    expect(extra.errors).toBeUndefined();
    expect(extra.data.clustering.sweep[0]).toMatchObject({ minClusterSize: 7, onDemand: true });
    expect(extra.data.clustering.coordinates).toEqual(data.clustering.coordinates);
    const whole = await query(CLUSTERING, { run: runId });
    expect(whole.data.clustering.sweep.map((p: any) => p.minClusterSize)).toEqual([5, 7, 10, 20, 40]);
    for (const point of whole.data.clustering.sweep) expect(point.ami.value).toBeCloseTo(adjustedMutualInformation(whole.data.clustering.compounds, point.labels), 12);
    expectNoNaN(whole.data);

    // a result stored before AMI was measured: the resolver takes it from the stored labels
    await database.dataSource.query(
      `UPDATE evaluations SET result = jsonb_set(result, '{sweep}', (SELECT jsonb_agg(point - 'ami') FROM jsonb_array_elements(result->'sweep') AS point))
       WHERE run_id = $1 AND task = 'clustering' AND result->>'cellLine' = 'HT29'`,
      [runId],
    );
    const older = await query(CLUSTERING, { run: runId });
    expect(older.errors).toBeUndefined();
    expect(older.data.clustering.sweep.map((p: any) => p.ami.value)).toEqual(whole.data.clustering.sweep.map((p: any) => p.ami.value));
  });

  it('answers mAP for activity and consistency, and shows the latest re-run with other parameters', async () => {
    const MAP = `query ($run: ID!, $kind: MapKind!) { meanAveragePrecision(run: $run, kind: $kind) { kind parameters meanAveragePrecision { value reason } fractionSignificant { value reason }
      byGroup { group cellLines meanAveragePrecision { value } } cellLines { cellLine profiles meanAveragePrecision { value reason } groups { group queries meanAveragePrecision { value reason } pValue { value } correctedPValue { value } significant } } } }`;
    const activity = await query(MAP, { run: runId, kind: 'ACTIVITY' });
    expect(activity.errors).toBeUndefined();
    // 3 lines x (5 drugs x 2 doses x 2 plates + 2 DMSO wells x 2 plates)
    expect(activity.data.meanAveragePrecision.cellLines.map((l: any) => l.profiles)).toEqual([24, 24, 24]);
    expect(activity.data.meanAveragePrecision.cellLines[0].groups).toHaveLength(10);
    expect(activity.data.meanAveragePrecision.meanAveragePrecision.value).toBeGreaterThan(0);
    const consistency = await query(MAP, { run: runId, kind: 'CONSISTENCY' });
    expect(consistency.errors).toBeUndefined();
    const groups = consistency.data.meanAveragePrecision.cellLines[0].groups.map((g: any) => g.group);
    expect(groups.length).toBeGreaterThanOrEqual(2);
    expectNoNaN(consistency.data);

    const queued = await query(`mutation ($run: ID!) { evaluateRun(run: $run, parameters: { nullSize: 500, tasks: [MAP] }) { runId jobId parameters } }`, { run: runId }, 'writer');
    expect(queued.errors).toBeUndefined();
    expect(queued.data.evaluateRun.parameters).toMatchObject({ nullSize: 500, tasks: ['map'] });
    const job = queue.sent[queue.sent.length - 1];
    expect(job).toMatchObject({ name: 'run.evaluate', payload: { runId, parameters: { nullSize: 500, tasks: ['map'] } } });
    // its own singleton key: not dropped while a default evaluation of the run waits
    expect(job.key).toMatch(new RegExp(`^${runId}:[0-9a-f]{16}$`));
    const before = await rowCount();
    await createJobHandlers({ services })['run.evaluate'](job.payload as any, { jobId: 'evaluate-2', logger, signal: never() });
    expect(await rowCount()).toBe(before + 8);
    const latest = await query(MAP, { run: runId, kind: 'ACTIVITY' });
    expect(latest.data.meanAveragePrecision.parameters).toMatchObject({ nullSize: 500 });
    // a reader may not queue
    const reader = await query(`mutation ($run: ID!) { evaluateRun(run: $run) { jobId } }`, { run: runId }, 'reader');
    expect(reader.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('answers NSC and NSCB with the confusion between MoAs; on the tiny screen every treatment is on both plates, so NSCB has no candidate', async () => {
    const NSC = `query ($run: ID!, $cellLine: ID) { moaAccuracy(run: $run, cellLine: $cellLine) { parameters
      nsc { accuracy { value reason } perMoaAccuracy { value } queried correct skipped moas confusion byMoa { moa queried correct } overCellLines { median { value } cellLines } }
      nscb { accuracy { value reason } queried skipped overCellLines { median { value reason } } }
      cellLines { cellLine treatments unmatched nsc { accuracy { value } queried overCellLines { cellLines } } treatmentNeighbours { compound concentration moa batches wells queried nsc { compound moa similarity } nscb { compound } } } } }`;
    const before = await rowCount('nsc');
    const { data, errors } = await query(NSC, { run: runId });
    expect(errors).toBeUndefined();
    const result = data.moaAccuracy;
    expect(result.parameters).toEqual({ control: 'DMSO', profile: 'median-of-wells', metric: 'cosine', normalization: { method: 'standardize', control: 'DMSO' } });
    // 5 drugs x 2 doses per cell line; Metformin's MoA has no other compound
    expect(result.cellLines.map((l: any) => [l.cellLine, l.treatments, l.unmatched])).toEqual([
      ['ACHN', 10, 2],
      ['HT29', 10, 2],
      ['MDAMB231', 10, 2],
    ]);
    expect(result.nsc).toMatchObject({ queried: 24, skipped: 0 });
    const diagonal = result.nsc.confusion.reduce((sum: number, row: number[], i: number) => sum + row[i], 0);
    expect(result.nsc.correct).toBe(diagonal);
    expect(result.nsc.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(24);
    expect(result.nsc.accuracy.value).toBeCloseTo(diagonal / 24, 12);
    expect(result.nsc.byMoa.map((entry: any) => [entry.moa, entry.queried])).toEqual([
      ['antifolate', 12],
      ['microtubule stabiliser', 12],
    ]);
    expect(result.nsc.overCellLines.cellLines).toBe(3);
    expect(result.cellLines[0].nsc.overCellLines).toBeNull();
    for (const line of result.cellLines) {
      for (const t of line.treatmentNeighbours) {
        expect(t.batches).toEqual(['R1P1', 'R2P1']);
        expect(t.wells).toBe(2);
        expect(t.nscb).toBeNull();
        if (t.queried) expect(t.nsc.compound).not.toBe(t.compound);
        else expect(t.nsc).toBeNull();
      }
    }
    expect(result.nscb).toMatchObject({ queried: 0, skipped: 24, accuracy: { value: null } });
    expect(result.nscb.accuracy.reason).toMatch(/NSCB/);
    expect(result.nscb.overCellLines.median.reason).toMatch(/shares a batch/);
    // stored by the evaluation: one cell line asked for is read, not recomputed
    const one = await query(NSC, { run: runId, cellLine: 'HT29' });
    expect(one.data.moaAccuracy.cellLines.map((l: any) => l.cellLine)).toEqual(['HT29']);
    expect(await rowCount('nsc')).toBe(before);
    expectNoNaN(data);
    const code = async (variables: Record<string, unknown>) => (await query(`query ($run: ID!, $control: String!) { moaAccuracy(run: $run, control: $control) { runId } }`, variables)).errors?.[0]?.extensions?.code;
    expect(await code({ run: runId, control: 'Aspirin' })).toBe('NOT_FOUND');
  });

  it('says NOT_FOUND for a run, cell line or compound the screen does not have, BAD_USER_INPUT for bad parameters', async () => {
    const code = async (source: string, variables: Record<string, unknown>, role?: 'writer') => (await query(source, variables, role)).errors?.[0]?.extensions?.code;
    expect(await code(`query { classification(run: "00000000-0000-4000-8000-000000000000") { runId } }`, {})).toBe('NOT_FOUND');
    expect(await code(`query { classification(run: "nope") { runId } }`, {})).toBe('NOT_FOUND');
    expect(await code(`query ($run: ID!) { classification(run: $run, cellLine: "HeLa") { runId } }`, { run: runId })).toBe('NOT_FOUND');
    expect(await code(`query ($run: ID!) { clustering(run: $run, cellLine: "SW620") { points } }`, { run: runId })).toBe('NOT_FOUND');
    expect(await code(`query ($run: ID!) { similarity(run: $run, drugA: "Aspirin") { control } }`, { run: runId })).toBe('NOT_FOUND');
    expect(await code(`query ($run: ID!) { similarity(run: $run, control: "PBS") { control } }`, { run: runId })).toBe('NOT_FOUND');
    expect(await code(`query ($run: ID!) { similarity(run: $run, moa: "kinase inhibitor") { control } }`, { run: runId })).toBe('NOT_FOUND');
    expect(await code(`mutation ($run: ID!) { evaluateRun(run: $run, parameters: { drugA: "Aspirin" }) { jobId } }`, { run: runId }, 'writer')).toBe('NOT_FOUND');
    expect(await code(`query ($run: ID!) { clustering(run: $run, cellLine: "ACHN", minClusterSize: 1) { points } }`, { run: runId })).toBe('BAD_USER_INPUT');
    expect(await code(`query ($run: ID!) { similarity(run: $run, drugA: "Methotrexate", drugB: "Methotrexate") { control } }`, { run: runId })).toBe('BAD_USER_INPUT');
    expect(await code(`mutation ($run: ID!) { evaluateRun(run: $run, parameters: { testFraction: 1.5 }) { jobId } }`, { run: runId }, 'writer')).toBe('BAD_USER_INPUT');
    expect(await code(`mutation ($run: ID!) { evaluateRun(run: $run, parameters: { minClusterSizes: [] }) { jobId } }`, { run: runId }, 'writer')).toBe('BAD_USER_INPUT');
  });

  it('gives a cell line with a single compound reasons instead of NaN, and never crashes', async () => {
    const repository = new EvaluationRepository(database.dataSource);
    const [achn] = (await repository.cellLinesOf((await services.runs.byId(runId))!.screenId)).filter((line) => line.name === 'ACHN');
    const loaded = await repository.embeddedImages(runId, { cellLineIds: [achn.id] });
    const only = (compound: string): LineData => {
      const rows = loaded.images.flatMap((image, i) => (image.compound === compound ? [i] : []));
      return { cellLine: 'ACHN', images: rows.map((r) => loaded.images[r]), vectors: selectRows(loaded.vectors, rows) };
    };
    const p = DEFAULT_EVALUATION_PARAMETERS;
    for (const compound of ['DMSO', 'Methotrexate']) {
      const line = only(compound);
      const similarity = similarityOfLine(line, pairParameters('Methotrexate', 'Pemetrexed', 'DMSO'));
      const classification = classificationOfLine(line, classificationParameters(p));
      const clustering = clusteringOfLine(line, clusteringParameters(p));
      const activity = mapOfLine(line, mapParameters(p, 'activity'));
      const consistency = mapOfLine(line, mapParameters(p, 'consistency'));
      const nsc = moaNeighbours('ACHN', treatmentProfiles(line, 'DMSO'));
      const all = jsonSafe({
        similarity,
        aggregate: aggregateSimilarity(pairParameters('Methotrexate', 'Pemetrexed', 'DMSO'), [similarity]),
        classification,
        classificationAggregate: aggregateClassification([classification]),
        clustering,
        activity,
        activityAggregate: aggregateMap('activity', [activity]),
        consistency,
        nsc,
        nscAggregate: aggregateNsc([nsc]),
      });
      expectNoNaN({ similarity, classification, clustering, activity, consistency, nsc });
      expect(similarity.metrics.cosine.relativeDistance).toEqual({ value: null, reason: expect.stringContaining('has no images of') });
      expect(classification).toEqual({ cellLine: 'ACHN', status: 'undefined', reason: expect.stringMatching(/single class/) });
      expect(activity.meanAveragePrecision.value).toBeNull();
      expect(activity.meanAveragePrecision.reason).toMatch(/ACHN/);
      expect(consistency.meanAveragePrecision.value).toBeNull();
      expect(all.activityAggregate.meanAveragePrecision.reason).toBeTruthy();
      expect(all.nsc.nsc.accuracy).toEqual({ value: null, reason: expect.stringMatching(compound === 'DMSO' ? /ACHN has no treatment with a MoA/ : /ACHN: no MoA has two compounds/) });
      expect(all.nscAggregate.nscb.overCellLines.median.value).toBeNull();
    }
  });
});
