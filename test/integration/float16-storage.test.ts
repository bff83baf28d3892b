import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database';
import { EmbeddingRepository } from '../../src/db/repositories/embedding.repository';
import { ProfileRepository } from '../../src/db/repositories/profile.repository';
import { RunRepository } from '../../src/db/repositories/run.repository';
import { comparePrecisions } from '../../src/evaluation/precision.benchmark';
import { roundToFloat16 } from '../../src/embedding/vector-codec';
import { createLogger } from '../../src/logger';
import { createServices, type Services } from '../../src/services';
import { RecordingQueue } from '../support/recording-queue';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/test-database';

const logger = createLogger('silent');
const never = () => new AbortController().signal;

describe('a run stored in float16 (MORPHOSPACE_VECTOR_PRECISION=float16)', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let float32: Services;
  let float16: Services;
  let dataDir: string;
  let runId: string;

  const readAll = async (precision: 'float32' | 'float16') => {
    const vectors = new Map<number, Float32Array>();
    for await (const page of new EmbeddingRepository(database.dataSource, precision).stream(runId, 50)) for (const row of page) vectors.set(row.imageId, row.vector);
    return vectors;
  };
  const storedBytes = async (): Promise<number[]> =>
    (await database.dataSource.query('SELECT DISTINCT octet_length(vector) AS n FROM embeddings WHERE run_id = $1', [runId])).map((row: { n: number }) => row.n);

  beforeAll(async () => {
    testDatabase = await createTestDatabase('float16_storage');
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-float16-'));
    const env = { MORPHOSPACE_DATA_DIR: dataDir, MORPHOSPACE_BACKEND: 'wasm', MORPHOSPACE_THREADS: '1' };
    const config = testConfig(testDatabase.url, env);
    database = await openDatabase(config, logger, { migrate: true });
    float32 = createServices(config, database, new RecordingQueue());
    float16 = createServices(testConfig(testDatabase.url, { ...env, MORPHOSPACE_VECTOR_PRECISION: 'float16' }), database);
    await float32.screens.generateAndRegister({ preset: 'tiny', seed: 7, name: 'tiny' });
    const { runs } = await float32.sweeps.create({
      screen: 'tiny',
      setups: ['weakly-supervised/one-crop'],
      profile: 'quick',
      overrides: { epochs: 1, batchSize: 16, imagesPerEpoch: 32, learningRate: 1e-3, embedTileSize: 64 },
    });
    runId = runs[0].id;
    expect(await float32.training.train(runId, { jobId: 'train', signal: never(), logger })).toBe('succeeded');
  }, 120_000);
  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('embeds in half the bytes, reads back as float32 equal to the float32 vectors rounded, and evaluates', async () => {
    expect(await float32.embeddings.embedRun(runId, { signal: never(), logger })).toMatchObject({ status: 'succeeded', images: 144 });
    expect(await storedBytes()).toEqual([2048 * 4]);
    const exact = await readAll('float32');

    expect(await float16.embeddings.embedRun(runId, { signal: never(), logger })).toMatchObject({ status: 'succeeded', images: 144, generation: 2 });
    expect(await storedBytes()).toEqual([2048 * 2]);
    expect((await new EmbeddingRepository(database.dataSource).set(runId))?.settings).toMatchObject({ precision: 'float16' });
    // whatever the reader's own setting: the row's length says how it was written
    const half = await readAll('float32');
    expect(half.size).toBe(144);
    let largest = 0;
    for (const [imageId, vector] of half) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect([...vector]).toEqual([...roundToFloat16(exact.get(imageId)!)]);
      largest = Math.max(largest, ...vector.map((value, d) => Math.abs(value - exact.get(imageId)![d]) / Math.max(Math.abs(exact.get(imageId)![d]), 2 ** -14)));
    }
    expect(largest).toBeGreaterThan(0);
    expect(largest).toBeLessThanOrEqual(2 ** -11);
    // profiles stay float32, built from the vectors the job computed
    expect((await new ProfileRepository(database.dataSource).list(runId, 'treatment', 'none')).every((p) => p.vector.length === 2048)).toBe(true);

    const outcome = await float16.evaluations.evaluateRun(runId, { nullSize: 500 }, { logger, signal: never() });
    expect(outcome).toMatchObject({ status: 'succeeded', cellLines: 3, images: 144 });
    const [{ n }] = await database.dataSource.query('SELECT count(*)::int AS n FROM evaluations WHERE run_id = $1', [runId]);
    expect(n).toBe(outcome.rows);
    const neighbours = await float16.neighbours.nearestImages({ run: runId, image: String([...half.keys()][0]), k: 5, metric: 'cosine' });
    expect(neighbours).toHaveLength(5);
  }, 120_000);

  it('reads a run in image order by pages, and a reader that stops after one page leaves no COPY running on its connection', async () => {
    const embeddings = new EmbeddingRepository(database.dataSource);
    const pages: number[][] = [];
    for await (const page of embeddings.stream(runId, 50)) pages.push(page.map((row) => row.imageId));
    expect(pages.map((page) => page.length)).toEqual([50, 50, 44]);
    const ids = pages.flat();
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(await embeddings.imageIds(runId, 3)).toEqual(ids.slice(0, 3));
    for await (const page of embeddings.stream(runId, 10)) {
      expect(page).toHaveLength(10);
      break;
    }
    const copying = await database.dataSource.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state <> 'idle' AND query LIKE 'COPY (SELECT image_id%'`,
    );
    expect(copying[0].n).toBe(0);
    const again: number[] = [];
    for await (const page of embeddings.stream(runId, 64)) again.push(...page.map((row) => row.imageId));
    expect(again).toEqual(ids);
  });

  it('compares every metric of the evaluation on float32 embeddings and the same rounded to float16', async () => {
    await float32.embeddings.embedRun(runId, { signal: never(), logger });
    const stored = async () => (await database.dataSource.query('SELECT count(*)::int AS n, max(id) AS last FROM evaluations WHERE run_id = $1', [runId]))[0];
    const before = await stored();
    const comparison = await comparePrecisions(database.dataSource, new RunRepository(database.dataSource), new EmbeddingRepository(database.dataSource), runId, { nullSize: 500 }, logger);
    expect(comparison.images).toBe(144);
    const names = comparison.metrics.map((metric) => `${metric.task}/${metric.metric}`);
    for (const expected of ['similarity/metrics.cosine.inverseDistance.value', 'classification/metrics.accuracy.median.value', 'clustering/sweep[].quality.silhouette.value', 'map/meanAveragePrecision.value']) {
      expect(names).toContain(expected);
    }
    expect(comparison.metrics.every((metric) => metric.values > 0 && Number.isFinite(metric.maxAbsDifference))).toBe(true);
    // rounding moves the distances: a comparison that saw the same vectors twice would find none
    expect(comparison.metrics.find((metric) => metric.metric === 'metrics.cosine.pairs[].medianAB.value')!.maxAbsDifference).toBeGreaterThan(0);
    // nothing stored: the run's evaluations are the ones the first test wrote
    expect(await stored()).toEqual(before);
  }, 120_000);
});
