import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CROP_SIZE } from '../../src/data/crops/crop.plan';
import { renderCrop } from '../../src/data/crops/crop.renderer';
import { decodeGrey } from '../../src/data/crops/sharp-image.adapter';
import { openDatabase, type Database } from '../../src/db/database';
import type { RunEntity } from '../../src/db/entities/run.entity';
import { EmbeddingRepository } from '../../src/db/repositories/embedding.repository';
import { CLASSICAL_FEATURES } from '../../src/embedding/classical/classical-features';
import { planTiles } from '../../src/embedding/tile.plan';
import { TASK_NAMES } from '../../src/evaluation/tasks/task.registry';
import { createLogger } from '../../src/logger';
import { createServices, type ServiceJobSender, type Services } from '../../src/services';
import { selectBackend } from '../../src/training/backend';
import { initialisationSeed, UNTRAINED_CARRIER } from '../../src/training/baseline.service';
import { createParadigm } from '../../src/training/paradigms/create-paradigm';
import { PARADIGMS, type Paradigm } from '../../src/training/setups';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/test-database';

const logger = createLogger('silent');
const SEED = 11;

/** A queue that queues nothing: the test runs each step the pipeline asks for itself, in order. */
const inlineQueue: ServiceJobSender = { send: async () => 'job', unfinishedJobs: async () => [] };

describe('baselines and replicates in a sweep', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let services: Services;
  let dataDir: string;
  let runs: RunEntity[];
  const signal = new AbortController().signal;

  /** Runs the steps the pipeline queues for one run until it has none left; returns them. */
  const throughPipeline = async (runId: string): Promise<string[]> => {
    const steps: string[] = [];
    for (let pending = await services.pipeline.advance(runId); pending.length > 0; pending = await services.pipeline.advance(runId)) {
      const { step } = pending[0];
      steps.push(step);
      if (step === 'train') await services.training.train(runId, { jobId: `train-${runId}`, signal, logger });
      else if (step === 'embed') await services.embeddings.embedRun(runId, { signal, logger });
      else await services.evaluations.evaluateRun(runId, {}, { signal, logger });
      if (steps.length > 5) throw new Error(`run ${runId} does not leave its pipeline: ${steps.join(', ')}`);
    }
    return steps;
  };

  beforeAll(async () => {
    testDatabase = await createTestDatabase('baselines');
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-baselines-'));
    const config = testConfig(testDatabase.url, { MORPHOSPACE_DATA_DIR: dataDir, MORPHOSPACE_BACKEND: 'wasm', MORPHOSPACE_THREADS: '1' });
    database = await openDatabase(config, logger, { migrate: true });
    services = createServices(config, database, inlineQueue);
    await services.screens.generateAndRegister({ preset: 'tiny', seed: 5, name: 'tiny' });
    ({ runs } = await services.sweeps.create({
      screen: 'tiny',
      setups: ['weakly-supervised/one-crop'],
      profile: 'quick',
      overrides: { seed: SEED, epochs: 1, batchSize: 16, imagesPerEpoch: 16, embedTileSize: 0 },
      replicates: 2,
    }));
  }, 120_000);
  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  const runsOf = (setup: string) => runs.filter((run) => run.setup!.name === setup);

  it('creates one learned run per replicate with seeds s, s+1, baseline/untrained once per replicate and baseline/classical once', async () => {
    const sweep = await services.sweeps.byId(runs[0].sweepId!);
    expect(sweep.replicates).toBe(2);
    const learned = runsOf('weakly-supervised/one-crop');
    const untrained = runsOf('baseline/untrained');
    for (const group of [learned, untrained]) {
      expect(group.map((run) => [run.replicate, run.config.seed])).toEqual([
        [0, SEED],
        [1, SEED + 1],
      ]);
    }
    expect(runsOf('baseline/classical').map((run) => [run.replicate, run.config.seed])).toEqual([[0, SEED]]);
    expect(runs.map((run) => run.setup!.name)).toEqual(['weakly-supervised/one-crop', 'weakly-supervised/one-crop', 'baseline/untrained', 'baseline/untrained', 'baseline/classical']);
  });

  it('refuses replicates outside 1..10', async () => {
    for (const replicates of [0, 11, 1.5]) {
      await expect(services.sweeps.create({ screen: 'tiny', setups: ['weakly-supervised/one-crop'], profile: 'quick', replicates })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    }
  });

  it('takes baseline/untrained through the pipeline: its seeded initial encoder, no epochs, embedded and evaluated', async () => {
    const [untrained] = runsOf('baseline/untrained');
    expect(await throughPipeline(untrained.id)).toEqual(['train', 'embed', 'evaluate']);
    const run = await services.runs.byId(untrained.id);
    expect(run).toMatchObject({ status: 'succeeded', epochsCompleted: 0 });
    expect(await services.runs.epochs(untrained.id)).toEqual([]);
    const evaluated = await database.dataSource.query('SELECT DISTINCT task FROM evaluations WHERE run_id = $1', [untrained.id]);
    expect(evaluated.map((row: { task: string }) => row.task).sort()).toEqual([...TASK_NAMES].sort());

    // the stored embedding of an image is the seeded initial encoder's, whichever runtime embedded it
    const embeddings = new EmbeddingRepository(database.dataSource);
    const [image] = await embeddings.imagesOf(run.screenId);
    const stored = (await embeddings.vectorOf(untrained.id, image.id))!;
    await selectBackend({ backend: 'wasm', threads: 1 });
    const grey = await decodeGrey(image.path);
    const pixels = new Float32Array(CROP_SIZE * CROP_SIZE);
    renderCrop(grey, planTiles(grey.width, grey.height, 'whole')[0], pixels, 0);
    const initialEncoding = (paradigm: Paradigm) => {
      const initial = createParadigm(paradigm, { seed: initialisationSeed(SEED) });
      const encoded = tf.tidy(() => initial.encode(tf.tensor4d(pixels, [1, CROP_SIZE, CROP_SIZE, 1])).dataSync() as Float32Array);
      initial.dispose();
      return encoded;
    };
    const expected = initialEncoding(UNTRAINED_CARRIER);
    // the carrier does not matter: every paradigm's encoder starts from the same weights
    for (const paradigm of PARADIGMS) expect(initialEncoding(paradigm)).toEqual(expected);
    expect(stored.length).toBe(expected.length);
    const scale = Math.max(...expected.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    for (let d = 0; d < expected.length; d += 1) expect(Math.abs(stored[d] - expected[d])).toBeLessThan(1e-4 * scale);

    // the second replicate's encoder starts elsewhere
    const [, second] = runsOf('baseline/untrained');
    await throughPipeline(second.id);
    const other = (await embeddings.vectorOf(second.id, image.id))!;
    expect(other.some((value, d) => Math.abs(value - stored[d]) > 1e-3 * scale)).toBe(true);
  }, 120_000);

  it('takes baseline/classical through the pipeline: per-cell-line standardised features, profiles, evaluated, no encoder to export', async () => {
    const [classical] = runsOf('baseline/classical');
    expect(await throughPipeline(classical.id)).toEqual(['train', 'embed', 'evaluate']);
    const run = await services.runs.byId(classical.id);
    expect(run).toMatchObject({ status: 'succeeded', epochsCompleted: 0, checkpointPath: null, backend: null, embeddingRuntime: 'classical' });
    const evaluated = await database.dataSource.query('SELECT DISTINCT task FROM evaluations WHERE run_id = $1', [classical.id]);
    expect(evaluated.map((row: { task: string }) => row.task).sort()).toEqual([...TASK_NAMES].sort());
    const profiles = await database.dataSource.query('SELECT count(*)::int AS n FROM profiles WHERE run_id = $1', [classical.id]);
    expect(profiles[0].n).toBeGreaterThan(0);

    const embeddings = new EmbeddingRepository(database.dataSource);
    expect(await embeddings.set(classical.id)).toMatchObject({ status: 'complete', dimensions: CLASSICAL_FEATURES.length });
    const images = await embeddings.imagesOf(run.screenId);
    const cellLineOf = new Map(images.map((image) => [image.id, image.cellLineId]));
    const sums = new Map<number, { count: number; sum: Float64Array; squares: Float64Array }>();
    for await (const page of embeddings.stream(classical.id)) {
      for (const { imageId, vector } of page) {
        expect(vector.length).toBe(CLASSICAL_FEATURES.length);
        const line = cellLineOf.get(imageId)!;
        const entry = sums.get(line) ?? { count: 0, sum: new Float64Array(vector.length), squares: new Float64Array(vector.length) };
        entry.count += 1;
        vector.forEach((value, d) => {
          entry.sum[d] += value;
          entry.squares[d] += value * value;
        });
        sums.set(line, entry);
      }
    }
    expect(sums.size).toBe(3);
    for (const { count, sum, squares } of sums.values()) {
      for (let d = 0; d < sum.length; d += 1) {
        expect(Math.abs(sum[d] / count)).toBeLessThan(1e-4);
        // sd 1, or 0 for a feature constant within the line
        const sd = Math.sqrt(squares[d] / count);
        expect(Math.min(Math.abs(sd - 1), sd)).toBeLessThan(1e-3);
      }
    }
    await expect(services.encoderExport.export(classical.id)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });

    // its vectors are searchable at their own dimension
    const [image] = images;
    const neighbours = await services.neighbours.nearestImages({ run: classical.id, image: String(image.id), k: 3, metric: 'cosine' });
    expect(neighbours).toHaveLength(3);
    await expect(services.neighbours.nearestImages({ run: classical.id, vector: new Array(2048).fill(0.5), k: 3, metric: 'cosine' })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  }, 120_000);
});
