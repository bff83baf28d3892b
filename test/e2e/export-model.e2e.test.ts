import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCrop } from '../../src/data/crops/crop.renderer';
import { decodeGrey } from '../../src/data/crops/sharp-image.adapter';
import { openDatabase, type Database } from '../../src/db/database';
import { planTiles } from '../../src/embedding/tile.plan';
import { decodeVector } from '../../src/embedding/vector-codec';
import { createLogger } from '../../src/logger';
import { createServices } from '../../src/services';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/test-database';

const CLI = path.join(__dirname, '..', '..', 'bin', 'morphospace.js');
const run = promisify(execFile);
const logger = createLogger('silent');

describe('morphospace export-model', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let dataDir: string;
  let runId: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('export_model');
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-export-'));
    // the run embeds with tfjs: the exported model is then checked against the other runtime
    const settings = { MORPHOSPACE_DATA_DIR: dataDir, MORPHOSPACE_BACKEND: 'wasm', MORPHOSPACE_THREADS: '1', MORPHOSPACE_INFERENCE: 'wasm' };
    const config = testConfig(testDatabase.url, settings);
    database = await openDatabase(config, logger, { migrate: true });
    const services = createServices(config, database, { send: async () => null, unfinishedJobs: async () => [] });
    await services.screens.generateAndRegister({ preset: 'tiny', seed: 7, name: 'tiny' });
    const { runs } = await services.sweeps.create({
      screen: 'tiny',
      setups: ['unsupervised/one-crop'],
      profile: 'quick',
      overrides: { epochs: 1, batchSize: 16, imagesPerEpoch: 32, learningRate: 1e-3, embedTileSize: 64 },
    });
    runId = runs[0].id;
    const signal = new AbortController().signal;
    expect(await services.training.train(runId, { jobId: 'train', signal, logger })).toBe('succeeded');
    expect(await services.embeddings.embedRun(runId, { signal, logger })).toMatchObject({ status: 'succeeded', runtime: 'wasm' });
    env = { ...process.env, ...settings, DATABASE_URL: testDatabase.url, LOG_LEVEL: 'warn' };
  }, 180_000);
  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it("writes the run's encoder, which embeds an image as the embed job did", async () => {
    const out = path.join(dataDir, 'exported.onnx');
    const printed = await run(process.execPath, [CLI, 'export-model', '--run', runId, '--out', out], { env });
    const record = JSON.parse(printed.stdout);
    const bytes = await fs.readFile(out);
    expect(record).toMatchObject({ run: runId, out, bytes: bytes.length, epoch: 1, stored: path.join(dataDir, 'runs', runId, 'encoder.onnx') });
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(record.sha256);

    // what the README's Python snippet does, here with onnxruntime-node: tiles, model, mean
    const [image] = await database.dataSource.query("SELECT i.id, s.root, i.path FROM images i JOIN screens s ON s.id = i.screen_id WHERE s.name = 'tiny' ORDER BY i.id LIMIT 1");
    const grey = await decodeGrey(path.resolve(image.root, image.path));
    const views = planTiles(grey.width, grey.height, 64);
    const pixels = new Float32Array(views.length * 64 * 64);
    views.forEach((view, t) => renderCrop(grey, view, pixels, t * 64 * 64));
    const session = await ort.InferenceSession.create(out, { intraOpNumThreads: 1 });
    const output = (await session.run({ image: new ort.Tensor('float32', pixels, [views.length, 1, 64, 64]) })).embedding;
    await session.release();
    const mean = new Float32Array(2048);
    for (let t = 0; t < views.length; t += 1) for (let d = 0; d < 2048; d += 1) mean[d] += (output.data as Float32Array)[t * 2048 + d] / views.length;
    const [{ dimensions, vector }] = await database.dataSource.query('SELECT dimensions, vector FROM embeddings WHERE run_id = $1 AND image_id = $2', [runId, image.id]);
    const stored = decodeVector(vector, dimensions);
    expect(Math.max(...stored.map((value, d) => Math.abs(value - mean[d])))).toBeLessThanOrEqual(1e-4);
  });

  it('exits 2 on bad input: an unknown run, a missing flag, a directory that does not exist', async () => {
    const out = path.join(dataDir, 'never.onnx');
    await expect(run(process.execPath, [CLI, 'export-model', '--run', '00000000-0000-4000-8000-000000000000', '--out', out], { env })).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('not found') });
    await expect(run(process.execPath, [CLI, 'export-model', '--run', 'no-such-run', '--out', out], { env })).rejects.toMatchObject({ code: 2 });
    await expect(run(process.execPath, [CLI, 'export-model', '--run', runId], { env })).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--out') });
    await expect(run(process.execPath, [CLI, 'export-model', '--run', runId, '--out', path.join(dataDir, 'missing', 'x.onnx')], { env })).rejects.toMatchObject({ code: 2 });
    await expect(fs.stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
