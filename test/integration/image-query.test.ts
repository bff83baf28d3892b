import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { graphql as execute, type GraphQLSchema } from 'graphql';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiSchema } from '../../src/api/schema';
import { openDatabase, type Database } from '../../src/db/database';
import { EmbeddingRepository } from '../../src/db/repositories/embedding.repository';
import { createLogger } from '../../src/logger';
import { createServices, type Services } from '../../src/services';
import { RecordingQueue } from '../support/recording-queue';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/test-database';

const logger = createLogger('silent');
const never = () => new AbortController().signal;
const QUERY = `query ($run: ID!, $image: String!, $cellLine: ID!, $k: Int) {
  nearestCompoundsForImage(run: $run, image: $image, cellLine: $cellLine, k: $k) { compound { name } concentration distance moa sharesMoa }
}`;

interface Hit {
  compound: { name: string };
  distance: number;
}

describe('nearestCompoundsForImage on the tiny screen', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let services: Services;
  let schema: GraphQLSchema;
  let dataDir: string;
  let runId: string;
  let screenId: string;
  let png: Buffer;
  let imageId: number;
  let cellLine: string;

  const ask = async (variables: Record<string, unknown>, options: { principal?: unknown; against?: GraphQLSchema } = {}) => {
    const result = await execute({ schema: options.against ?? schema, source: QUERY, variableValues: { run: runId, cellLine, k: 6, ...variables }, contextValue: { principal: options.principal, services } });
    return { hits: (result.data?.nearestCompoundsForImage ?? null) as Hit[] | null, errors: result.errors };
  };

  beforeAll(async () => {
    testDatabase = await createTestDatabase('image_query');
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-image-query-'));
    const config = testConfig(testDatabase.url, { MORPHOSPACE_DATA_DIR: dataDir, MORPHOSPACE_BACKEND: 'wasm', MORPHOSPACE_THREADS: '1' });
    database = await openDatabase(config, logger, { migrate: true });
    services = createServices(config, database, new RecordingQueue());
    schema = await buildApiSchema({ requireReaderForQueries: false });
    await services.screens.generateAndRegister({ preset: 'tiny', seed: 11, name: 'tiny' });
    const { runs } = await services.sweeps.create({
      screen: 'tiny',
      setups: ['weakly-supervised/one-crop'],
      profile: 'quick',
      // 64-pixel tiles: a 128x128 image of the screen is embedded as the mean of 4 tiles
      overrides: { epochs: 1, batchSize: 16, imagesPerEpoch: 32, learningRate: 1e-3, embedTileSize: 64 },
    });
    runId = runs[0].id;
    screenId = runs[0].screenId;
    expect(await services.training.train(runId, { jobId: 'train', signal: never(), logger })).toBe('succeeded');
    expect((await services.embeddings.embedRun(runId, { signal: never(), logger })).status).toBe('succeeded');
    const images = await new EmbeddingRepository(database.dataSource).imagesOf(screenId);
    const image = images.find((candidate) => candidate.compound === 'Methotrexate')!;
    imageId = image.id;
    png = await fs.readFile(image.path);
    [{ name: cellLine }] = await database.dataSource.query('SELECT name FROM cell_lines WHERE id = $1', [image.cellLineId]);
  }, 180_000);
  afterAll(async () => {
    await services.imageQueries.close();
    await database.close();
    await testDatabase.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it("gives an image of the screen, as PNG and as TIFF, the compounds nearest its stored embedding", async () => {
    const stored = await services.neighbours.embedding(runId, String(imageId));
    const expected = await services.neighbours.nearestCompoundsToVector({ run: runId, vector: stored.vector, cellLine, k: 6, metric: 'cosine', normalization: 'none' });
    expect(expected.length).toBeGreaterThanOrEqual(5);
    // the TIFF lossless (sharp's default is JPEG compression, which moves the pixels): both files
    // then embed to the stored vector, and the distances are the stored embedding's, bit for bit
    for (const file of [png, await sharp(png).tiff({ compression: 'lzw' }).toBuffer()]) {
      const { hits, errors } = await ask({ image: file.toString('base64') });
      expect(errors).toBeUndefined();
      expect(hits!.map((hit) => hit.compound.name)).toEqual(expected.map((hit) => hit.compound.name));
      hits!.forEach((hit, i) => expect(hit.distance).toBe(expected[i].distance));
    }
  });

  it('answers every bad image with BAD_USER_INPUT and the reason', async () => {
    const jpeg = await sharp(png).jpeg().toBuffer();
    const huge = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#000' } }).png().toBuffer();
    const cases: Array<[string, RegExp]> = [
      ['not base64 at all!', /base64-encoded PNG or TIFF/],
      ['', /empty/],
      [Buffer.from('hello, world').toString('base64'), /not a PNG or TIFF/],
      [jpeg.toString('base64'), /not a PNG or TIFF/],
      [png.subarray(0, 60).toString('base64'), /PNG cannot be (read|decoded)/],
      [huge.toString('base64'), /3000x2000 = 6000000 pixels; at most 4194304/],
      ['A'.repeat(6 * 1024 * 1024), /4718592 bytes; at most 4194304/],
    ];
    for (const [image, reason] of cases) {
      const { errors } = await ask({ image });
      expect(errors?.[0].extensions?.code, String(reason)).toBe('BAD_USER_INPUT');
      expect(errors?.[0].message).toMatch(reason);
    }
    expect((await ask({ image: png.toString('base64'), k: 0 })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await ask({ image: png.toString('base64'), cellLine: 'NO-SUCH-LINE' })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses a classical-baseline run, which has no encoder', async () => {
    const [{ id: classical }] = await database.dataSource.query(
      `INSERT INTO runs (setup_id, screen_id, status) SELECT id, $1, 'succeeded' FROM setups WHERE baseline = 'classical' RETURNING id`,
      [screenId],
    );
    const { errors } = await ask({ run: classical, image: png.toString('base64') });
    expect(errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0].message).toMatch(/classical-baseline run/);
  });

  it('needs a reader key when reader keys are required', async () => {
    const guarded = await buildApiSchema({ requireReaderForQueries: true });
    expect((await ask({ image: png.toString('base64') }, { against: guarded })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const { hits, errors } = await ask({ image: png.toString('base64') }, { against: guarded, principal: { role: 'reader', keyId: 'k' } });
    expect(errors).toBeUndefined();
    expect(hits!.length).toBeGreaterThan(0);
  });
});
