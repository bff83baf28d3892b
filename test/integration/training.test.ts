import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamCropBatches } from '../../src/data/crops/crop-batch.streamer';
import { openDatabase, type Database } from '../../src/db/database';
import { TrainingImageRepository } from '../../src/db/repositories/training-image.repository';
import { createLogger } from '../../src/logger';
import { JobInterruptedError } from '../../src/queue/job-interrupted.error';
import { createServices, type Services } from '../../src/services';
import { CheckpointStore } from '../../src/training/checkpoint.store';
import { createParadigm } from '../../src/training/paradigms/create-paradigm';
import type { WeaklySupervisedParadigm } from '../../src/training/paradigms/weakly-supervised.paradigm';
import { BaselineService } from '../../src/training/baseline.service';
import { TrainingService } from '../../src/training/training.service';
import { RunRepository } from '../../src/db/repositories/run.repository';
import type { DataSource } from 'typeorm';
import type { Config } from '../../src/config';
import { PARADIGMS } from '../../src/training/setups';
import { disposeTrainingBatch, makeTrainingBatch } from '../../src/training/training-batch';
import { RecordingQueue } from '../support/recording-queue';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/test-database';

const logger = createLogger('silent');

function rocAuc(scores: number[], labels: number[]): number {
  const positives = scores.filter((_, i) => labels[i] === 1);
  const negatives = scores.filter((_, i) => labels[i] === 0);
  let wins = 0;
  for (const p of positives) for (const n of negatives) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (positives.length * negatives.length);
}

describe('training runs on the tiny screen', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let services: Services;
  let dataDir: string;
  let config: Config;
  const queue = new RecordingQueue();

  beforeAll(async () => {
    testDatabase = await createTestDatabase('training');
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-training-'));
    // the tfjs (wasm) path, the reference the onnx runs below are compared with
    config = testConfig(testDatabase.url, { MORPHOSPACE_DATA_DIR: dataDir, MORPHOSPACE_BACKEND: 'wasm', MORPHOSPACE_THREADS: '1', MORPHOSPACE_TRAINING_RUNTIME: 'wasm' });
    database = await openDatabase(config, logger, { migrate: true });
    services = createServices(config, database, queue);
    await services.screens.generateAndRegister({ preset: 'tiny', seed: 7, name: 'tiny' });
  });
  afterAll(async () => {
    await database.close();
    await testDatabase.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('refuses unknown setups and bad settings', async () => {
    await expect(services.sweeps.create({ screen: 'tiny', setups: ['nope'], profile: 'quick' })).rejects.toThrow(/unknown setup/);
    await expect(services.sweeps.create({ screen: 'tiny', profile: 'fast' })).rejects.toThrow(/profile must be one of/);
    await expect(services.sweeps.create({ screen: 'tiny', profile: 'quick', overrides: { epochs: 0 } })).rejects.toThrow(/epochs must be/);
    await expect(services.sweeps.create({ screen: 'no-such-screen', profile: 'quick' })).rejects.toThrow(/not found/);
  });

  it('creates one run per setup, plus the baselines, and queues each once', async () => {
    const before = queue.sent.length;
    const { runs } = await services.sweeps.create({ screen: 'tiny', profile: 'quick' });
    expect(runs.filter((run) => run.setup!.baseline === null)).toHaveLength(16);
    expect(runs.filter((run) => run.setup!.baseline !== null).map((run) => run.setup!.name)).toEqual(['baseline/untrained', 'baseline/classical']);
    expect(queue.sent.slice(before).map((job) => job.key).sort()).toEqual(runs.map((run) => run.id).sort());
  });

  it('resumes an interrupted run from its checkpoint and counts each epoch once', async () => {
    const { runs } = await services.sweeps.create({
      screen: 'tiny',
      setups: ['weakly-supervised/one-crop+aug'],
      profile: 'quick',
      overrides: { epochs: 3, batchSize: 16, imagesPerEpoch: 64 },
    });
    const runId = runs[0].id;
    const interrupt = new AbortController();
    const watcher = setInterval(async () => {
      if ((await services.runs.byId(runId)).epochsCompleted >= 1) interrupt.abort();
    }, 20);
    try {
      await expect(services.training.train(runId, { jobId: 'first', signal: interrupt.signal, logger })).rejects.toBeInstanceOf(JobInterruptedError);
    } finally {
      clearInterval(watcher);
    }
    const interrupted = await services.runs.byId(runId);
    expect(interrupted.status).toBe('running');
    expect(interrupted.epochsCompleted).toBeGreaterThanOrEqual(1);
    expect(interrupted.epochsCompleted).toBeLessThan(3);

    expect(await services.training.train(runId, { jobId: 'second', signal: new AbortController().signal, logger })).toBe('succeeded');
    const finished = await services.runs.byId(runId);
    expect(finished).toMatchObject({ status: 'succeeded', epochsCompleted: 3, backend: 'wasm', trainingRuntime: 'wasm' });
    expect((await services.runs.epochs(runId)).map((row) => row.epoch)).toEqual([1, 2, 3]);
    expect(finished.resources).toMatchObject({ imagesSeen: 3 * 64 });
    expect(Number(finished.resources!.peakRssBytes)).toBeGreaterThan(0);
    expect(Number(finished.resources!.peakTensorBytes)).toBeGreaterThan(0);

    // a second delivery of a finished run's job changes nothing
    expect(await services.training.train(runId, { jobId: 'third', signal: new AbortController().signal, logger })).toBe('skipped');
    expect(await services.runs.epochs(runId)).toHaveLength(3);
  });

  /**
   * Tolerances: per-layer gradients agree to ~2e-5 relative; Adam's first steps move each weight by
   * about the learning rate whatever the gradient's size, so weights with near-zero gradients drift
   * apart by up to that much. Regularized: over 4 steps the losses stay within 1e-3 relative
   * (measured: 1.6e-5). BYOL drifts faster: four of its bias gradients are exactly zero (a batch norm
   * follows), so Adam moves those biases +-LR in directions set by float32 noise, and a batch-norm
   * output within float32 noise of zero takes a different ReLU mask on each runtime (unit test). Measured
   * over its 4 steps: 2.5e-4 at most (the second epoch's validation loss); 1e-3 leaves 4x for that drift.
   */
  for (const [setup, tolerance] of [['regularized/one-crop', 1e-3], ['self-supervised/one-crop', 1e-3]] as const) {
    it(`trains the tiny screen to the same per-epoch losses on onnx and on wasm from one seed (${setup})`, async () => {
      // the same services with the steps on onnxruntime-node; validation stays on the tfjs backend
      const onnxServices = createServices(testConfig(testDatabase.url, { MORPHOSPACE_DATA_DIR: dataDir, MORPHOSPACE_BACKEND: 'wasm', MORPHOSPACE_THREADS: '1', MORPHOSPACE_TRAINING_RUNTIME: 'onnx' }), database, queue);
      const losses: Record<string, number[][]> = {};
      for (const [runtime, target] of [['onnx', onnxServices], ['wasm', services]] as const) {
        const { runs } = await target.sweeps.create({ screen: 'tiny', setups: [setup], profile: 'quick', overrides: { epochs: 2, batchSize: 16, imagesPerEpoch: 32, validationImages: 16, learningRate: 1e-3 } });
        expect(await target.training.train(runs[0].id, { jobId: `same-${setup}-${runtime}`, signal: new AbortController().signal, logger })).toBe('succeeded');
        expect((await target.runs.byId(runs[0].id)).trainingRuntime).toBe(runtime);
        losses[runtime] = (await target.runs.epochs(runs[0].id)).map((row) => [row.trainLoss, row.validationLoss ?? NaN]);
      }
      console.log(JSON.stringify({ setup, tinyScreenLosses: losses }));
      expect(losses.onnx).toHaveLength(2);
      losses.onnx.forEach((row, epoch) => row.forEach((value, k) => expect(Math.abs(value - losses.wasm[epoch][k]) / Math.abs(losses.wasm[epoch][k])).toBeLessThan(tolerance)));
    }, 180_000);
  }

  it('reads the rows of the images its epochs draw and of its validation sample, never the whole screen', async () => {
    // every image row (a row with a path) any query of the training job returns is counted
    let imageRows = 0;
    const counting = {
      query: async (sql: string, parameters?: unknown[]) => {
        const rows: unknown = await database.dataSource.query(sql, parameters);
        if (Array.isArray(rows)) imageRows += rows.filter((row) => typeof row === 'object' && row !== null && 'path' in row).length;
        return rows;
      },
    } as unknown as DataSource;
    const runs = new RunRepository(database.dataSource);
    const checkpoints = new CheckpointStore(config.storeDir);
    const training = new TrainingService(runs, new TrainingImageRepository(counting), checkpoints, new BaselineService(runs, checkpoints, config.training), config.training);
    const { runs: created } = await services.sweeps.create({
      screen: 'tiny',
      setups: ['weakly-supervised/one-crop'],
      profile: 'quick',
      overrides: { epochs: 2, batchSize: 8, imagesPerEpoch: 16, cropsPerEpoch: 0, validationImages: 8 },
    });
    expect(await training.train(created[0].id, { jobId: 'bounded-reads', signal: new AbortController().signal, logger })).toBe('succeeded');
    const screenImages = Number((await database.dataSource.query('SELECT count(*) AS n FROM images WHERE screen_id = $1', [created[0].screenId]))[0].n);
    expect(screenImages).toBe(144);
    // 2 epochs x 16 drawn images + 8 validation images; the job used to read all 144 rows
    expect(imageRows).toBeGreaterThan(0);
    expect(imageRows).toBeLessThanOrEqual(2 * 16 + 8);
  });

  it('cancels a queued run, which then does not train', async () => {
    const { runs } = await services.sweeps.create({ screen: 'tiny', setups: ['unsupervised/one-crop'], profile: 'quick' });
    expect((await services.sweeps.cancelRun(runs[0].id)).status).toBe('cancelled');
    expect(await services.training.train(runs[0].id, { jobId: 'x', signal: new AbortController().signal, logger })).toBe('skipped');
    await expect(services.sweeps.cancelRun(runs[0].id)).rejects.toThrow(/only queued or running/);
  });

  it.each(PARADIGMS)('%s learns: its training loss falls', async (paradigm) => {
    const { runs } = await services.sweeps.create({
      screen: 'tiny',
      setups: [`${paradigm}/one-crop`],
      profile: 'quick',
      overrides: { epochs: 3, batchSize: 16, imagesPerEpoch: 32, learningRate: 1e-3 },
    });
    expect(await services.training.train(runs[0].id, { jobId: paradigm, signal: new AbortController().signal, logger })).toBe('succeeded');
    const losses = (await services.runs.epochs(runs[0].id)).map((row) => row.trainLoss);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(losses[0]);
  });

  it('trains a weakly-supervised classifier that beats chance on held-out plates', async () => {
    const { runs } = await services.sweeps.create({
      screen: 'tiny',
      setups: ['weakly-supervised/one-crop'],
      profile: 'quick',
      overrides: { epochs: 8, batchSize: 16, imagesPerEpoch: 0, cropsPerEpoch: 0, learningRate: 1e-3 },
    });
    const run = runs[0];
    expect(await services.training.train(run.id, { jobId: 'auc', signal: new AbortController().signal, logger })).toBe('succeeded');

    const checkpoint = await new CheckpointStore(dataDir).load(run.id);
    const classifier = createParadigm('weakly-supervised') as WeaklySupervisedParadigm;
    classifier.importCheckpoint(checkpoint!.paradigm);
    const stored = await services.catalog.screen(run.screenId);
    const { validationPlates } = (stored as unknown as { split: { validationPlates: string[] } }).split;
    const repository = new TrainingImageRepository(database.dataSource);
    const heldOut = await repository.imagesByIds(run.screenId, (await repository.columnsOn(run.screenId, validationPlates)).ids);
    const scores: number[] = [];
    const labels: number[] = [];
    for await (const batch of streamCropBatches({ images: heldOut, batchSize: 32, strategy: { crop: 'one-crop', augment: false }, seed: 1, epoch: 0, shuffle: false })) {
      const tensors = makeTrainingBatch('weakly-supervised', batch);
      const probabilities = classifier.predictDrugProbability(tensors.x);
      scores.push(...(await probabilities.data()));
      labels.push(...batch.labels);
      tf.dispose(probabilities);
      disposeTrainingBatch(tensors);
    }
    classifier.dispose();
    expect(new Set(labels)).toEqual(new Set([0, 1]));
    expect(rocAuc(scores, labels)).toBeGreaterThan(0.7);
  });
});
