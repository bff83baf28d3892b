import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presetByName } from '../../src/data/synthetic/screen.presets';
import { openDatabase, type Database } from '../../src/db/database';
import { createLogger } from '../../src/logger';
import { CheckpointStore } from '../../src/training/checkpoint.store';
import { createServices, type ServiceJobSender, type Services } from '../../src/services';
import { registerChannelScreen } from '../support/channel-screen';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/test-database';

const logger = createLogger('silent');

describe('a 3-channel synthetic screen', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let services: Services;
  let dataDir: string;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('channels');
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-channels-'));
    const config = testConfig(testDatabase.url, { MORPHOSPACE_DATA_DIR: dataDir, MORPHOSPACE_BACKEND: 'wasm', MORPHOSPACE_THREADS: '1' });
    database = await openDatabase(config, logger, { migrate: true });
    const queue: ServiceJobSender = { send: async () => null, unfinishedJobs: async () => [] };
    services = createServices(config, database, queue);
    const preset = presetByName('tiny', { imageSize: 64, sitesPerWell: 1 });
    await registerChannelScreen(services, { preset, seed: 9, name: 'tiny3', channels: ['dna', 'tubulin', 'actin'], dir: dataDir });
  });
  afterAll(async () => {
    await database.close();
    await testDatabase.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('is imported with its channels, their roles and one file per channel for each image', async () => {
    const [screen]: Array<{ channels: Array<{ name: string; role: string }> }> = await database.dataSource.query(`SELECT channels FROM screens WHERE name = 'tiny3'`);
    expect(screen.channels).toEqual([{ name: 'dna', role: 'DNA' }, { name: 'tubulin', role: 'tubulin' }, { name: 'actin', role: 'actin' }]);
    const images: Array<{ path: string; channel_paths: string[] }> = await database.dataSource.query(`SELECT i.path, i.channel_paths FROM images i JOIN screens s ON s.id = i.screen_id WHERE s.name = 'tiny3'`);
    expect(images).toHaveLength(144);
    for (const image of images) expect(image.channel_paths.map((file) => path.basename(file))).toEqual(['dna', 'tubulin', 'actin'].map((channel) => path.basename(image.path).replace(/_dna\.png$/, `_${channel}.png`)));
  });

  it('trains 1 epoch on 3-channel crops, embeds, and evaluates; the classical baseline has 48 features per channel', async () => {
    const signal = new AbortController().signal;
    const { runs } = await services.sweeps.create({
      screen: 'tiny3',
      setups: ['unsupervised/one-crop'],
      profile: 'quick',
      overrides: { epochs: 1, batchSize: 16, imagesPerEpoch: 32, validationImages: 16 },
    });
    expect(runs.length).toBeGreaterThanOrEqual(2);
    for (const run of runs) {
      expect(await services.training.train(run.id, { jobId: `train-${run.id}`, signal, logger })).toBe('succeeded');
      const embedded = await services.embeddings.embedRun(run.id, { signal, logger });
      expect(embedded.status).toBe('succeeded');
      expect(embedded.images).toBe(144);
      const evaluated = await services.evaluations.evaluateRun(run.id, {}, { signal, logger });
      expect(evaluated.status, evaluated.reason).toBe('succeeded');
    }
    const dims: Array<{ setup: string; dim: number }> = await database.dataSource.query(
      `SELECT s.name AS setup, e.dimensions AS dim FROM runs r JOIN setups s ON s.id = r.setup_id JOIN embedding_sets e ON e.run_id = r.id ORDER BY s.name`,
    );
    expect(Object.fromEntries(dims.map((row) => [row.setup, row.dim]))).toMatchObject({ 'baseline/classical': 3 * 48, 'unsupervised/one-crop': 2048 });
    const trained = runs.find((run) => run.setup?.name === 'unsupervised/one-crop') ?? runs[0];
    const checkpoint = await new CheckpointStore(dataDir).load(trained.id, 'best');
    expect(checkpoint?.paradigm.inputChannels).toBe(3);
    expect(checkpoint?.paradigm.weights['encoder.conv1.weight'].shape).toEqual([3, 3, 3, 64]);
  });
});
