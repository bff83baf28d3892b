import { createHash } from 'node:crypto';
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
import { EmbeddingRepository } from '../../src/db/repositories/embedding.repository';
import { ProfileRepository } from '../../src/db/repositories/profile.repository';
import { ProfileBuildRepository } from '../../src/db/repositories/profile-build.repository';
import { ProfileService } from '../../src/embedding/profile.service';
import { RunRepository } from '../../src/db/repositories/run.repository';
import { ClassicalEmbeddingService } from '../../src/embedding/classical-embedding.service';
import { EmbeddingService } from '../../src/embedding/embedding.service';
import { createLogger } from '../../src/logger';
import { JobInterruptedError } from '../../src/queue/job-interrupted.error';
import { createServices, type Services } from '../../src/services';
import { CheckpointStore } from '../../src/training/checkpoint.store';
import { decodeVector } from '../../src/embedding/vector-codec';
import { RecordingQueue } from '../support/recording-queue';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/test-database';

const logger = createLogger('silent');
const never = () => new AbortController().signal;

describe('embeddings, profiles and nearest neighbours on the tiny screen', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let config: Config;
  let services: Services;
  let schema: GraphQLSchema;
  let dataDir: string;
  let runId: string;
  const queue = new RecordingQueue();

  const query = async (source: string, variables?: Record<string, unknown>, using = services) => {
    const result = await execute({ schema, source, variableValues: variables, contextValue: createRequestContext(undefined, using) });
    return { data: result.data as any, errors: result.errors };
  };
  const NEAREST_COMPOUNDS = `query ($run: ID!, $k: Int) { nearestCompounds(run: $run, compound: "Methotrexate", cellLine: "ACHN", k: $k) { compound { name } concentration distance moa sharesMoa } }`;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('embedding');
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-embedding-'));
    config = testConfig(testDatabase.url, { MORPHOSPACE_DATA_DIR: dataDir, MORPHOSPACE_BACKEND: 'wasm', MORPHOSPACE_THREADS: '1' });
    database = await openDatabase(config, logger, { migrate: true });
    services = createServices(config, database, queue);
    schema = await buildApiSchema({ requireReaderForQueries: false });
    await services.screens.generateAndRegister({ preset: 'tiny', seed: 7, name: 'tiny' });
    const { runs } = await services.sweeps.create({
      screen: 'tiny',
      setups: ['weakly-supervised/one-crop'],
      profile: 'quick',
      overrides: { epochs: 2, batchSize: 16, imagesPerEpoch: 48, learningRate: 1e-3, embedTileSize: 64 },
    });
    runId = runs[0].id;
    expect(await services.training.train(runId, { jobId: 'train', signal: never(), logger })).toBe('succeeded');
  }, 120_000);
  afterAll(async () => {
    await database.close();
    await testDatabase.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('embeds every image once, with profiles, and a rerun replaces rather than duplicates', async () => {
    const stored = async () => (await database.dataSource.query('SELECT image_id, vector FROM embeddings WHERE run_id = $1 ORDER BY image_id', [runId])) as unknown[];
    const first = await services.embeddings.embedRun(runId, { signal: never(), logger });
    expect(first).toMatchObject({ status: 'succeeded', images: 144, tiles: 144 * 4, generation: 1 });
    const firstVectors = await stored();
    // the rerun takes the tiles the first decoded from the service's cache: the same vectors
    const second = await services.embeddings.embedRun(runId, { signal: never(), logger });
    expect(second.generation).toBe(2);
    expect(await stored()).toEqual(firstVectors);
    const [{ n, distinct }] = await database.dataSource.query('SELECT count(*)::int AS n, count(DISTINCT image_id)::int AS distinct FROM embeddings WHERE run_id = $1', [runId]);
    expect({ n, distinct }).toEqual({ n: 144, distinct: 144 });
    const profiles = await new ProfileRepository(database.dataSource).list(runId, 'treatment', 'none');
    // 3 lines x (5 drugs x 2 doses + DMSO)
    expect(profiles).toHaveLength(3 * 11);
    expect(profiles.every((p) => p.vector.length === 2048)).toBe(true);
    expect((await new ProfileRepository(database.dataSource).list(runId, 'treatment', 'mad-robustize')).length).toBe(33);
  }, 60_000);

  it('embeds through onnxruntime-node, records it, stores the ONNX model, and equals the wasm vectors to 1e-4', async () => {
    const RUN = `query ($id: ID!) { run(id: $id) { embeddingRuntime onnxModel { path bytes sha256 epoch } } }`;
    const vectors = async () =>
      ((await database.dataSource.query('SELECT dimensions, vector FROM embeddings WHERE run_id = $1 ORDER BY image_id', [runId])) as Array<{ dimensions: number; vector: Buffer }>).map((row) =>
        decodeVector(row.vector, row.dimensions),
      );
    const onnx = await query(RUN, { id: runId });
    expect(onnx.errors).toBeUndefined();
    expect(onnx.data.run.embeddingRuntime).toBe('onnx');
    const model = onnx.data.run.onnxModel;
    expect(model).toMatchObject({ path: path.join(dataDir, 'runs', runId, 'encoder.onnx'), epoch: 2 });
    const bytes = await fs.readFile(model.path);
    expect(bytes.length).toBe(model.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(model.sha256);
    const byOnnx = await vectors();

    const wasmConfig = testConfig(testDatabase.url, { MORPHOSPACE_DATA_DIR: dataDir, MORPHOSPACE_BACKEND: 'wasm', MORPHOSPACE_THREADS: '1', MORPHOSPACE_INFERENCE: 'wasm' });
    const wasm = createServices(wasmConfig, database, queue);
    expect(await wasm.embeddings.embedRun(runId, { signal: never(), logger })).toMatchObject({ status: 'succeeded', runtime: 'wasm', images: 144 });
    expect((await query(RUN, { id: runId })).data.run.embeddingRuntime).toBe('wasm');
    const byWasm = await vectors();
    expect(byWasm).toHaveLength(144);
    let maxDifference = 0;
    byWasm.forEach((vector, i) => vector.forEach((value, d) => (maxDifference = Math.max(maxDifference, Math.abs(value - byOnnx[i][d])))));
    process.stderr.write(`tiny screen, run embedding: onnx vs wasm max abs difference ${maxDifference.toExponential(3)}\n`);
    expect(maxDifference).toBeLessThanOrEqual(1e-4);

    expect((await services.embeddings.embedRun(runId, { signal: never(), logger })).runtime).toBe('onnx');
  }, 60_000);

  it('ranks Pemetrexed above DMSO among the compounds nearest Methotrexate in a sensitive line', async () => {
    const { data, errors } = await query(NEAREST_COMPOUNDS, { run: runId, k: 10 });
    expect(errors).toBeUndefined();
    const names: string[] = data.nearestCompounds.map((hit: { compound: { name: string } }) => hit.compound.name);
    // every other compound of the screen, once each
    expect(names.sort()).toEqual(['DMSO', 'Docetaxel', 'Metformin', 'Paclitaxel', 'Pemetrexed']);
    names.splice(0, names.length, ...data.nearestCompounds.map((hit: { compound: { name: string } }) => hit.compound.name));
    expect(names).toContain('DMSO');
    expect(names.indexOf('Pemetrexed')).toBeLessThan(names.indexOf('DMSO'));
    const pemetrexed = data.nearestCompounds.find((hit: { compound: { name: string } }) => hit.compound.name === 'Pemetrexed');
    expect(pemetrexed).toMatchObject({ moa: 'antifolate', sharesMoa: true });
    expect(data.nearestCompounds.find((hit: { compound: { name: string } }) => hit.compound.name === 'DMSO').sharesMoa).toBe(false);
  });

  it('rebuilds deleted index files from Postgres and answers the same', async () => {
    const before = await query(NEAREST_COMPOUNDS, { run: runId, k: 6 });
    const images = await query(`query ($run: ID!) { nearestImages(run: $run, image: "1", k: 5) { imageId distance } }`, { run: runId });
    const indexDir = path.join(dataDir, 'indexes', runId);
    expect((await fs.readdir(indexDir)).sort()).toEqual(['images-cosine', 'profiles-none-cosine']);
    await fs.rm(indexDir, { recursive: true, force: true });
    // a new process: nothing in memory
    const fresh = createServices(config, database, queue);
    expect(await query(NEAREST_COMPOUNDS, { run: runId, k: 6 }, fresh)).toEqual(before);
    expect(await query(`query ($run: ID!) { nearestImages(run: $run, image: "1", k: 5) { imageId distance } }`, { run: runId }, fresh)).toEqual(images);
    expect((await fs.readdir(indexDir)).sort()).toEqual(['images-cosine', 'profiles-none-cosine']);
    // a corrupt file is noticed by its checksum and rebuilt
    const current = JSON.parse(await fs.readFile(path.join(indexDir, 'images-cosine', 'current.json'), 'utf8')).version;
    await fs.writeFile(path.join(indexDir, 'images-cosine', current, 'vectors.f32'), Buffer.alloc(64));
    const again = createServices(config, database, queue);
    expect(await query(`query ($run: ID!) { nearestImages(run: $run, image: "1", k: 5) { imageId distance } }`, { run: runId }, again)).toEqual(images);
  });

  it('leaves exactly one embedding per image after an embed interrupted midway and retried', async () => {
    const profileService = new ProfileService(new ProfileBuildRepository(database.dataSource));
    const embedder = new EmbeddingService(
      new RunRepository(database.dataSource),
      new EmbeddingRepository(database.dataSource),
      profileService,
      new CheckpointStore(dataDir),
      services.encoderExport,
      new ClassicalEmbeddingService(new RunRepository(database.dataSource), new EmbeddingRepository(database.dataSource), profileService),
      { backend: 'wasm', threads: 1, inference: 'auto', writeEvery: 16, batchTiles: 64 },
    );
    await database.dataSource.query('DELETE FROM embeddings WHERE run_id = $1', [runId]);
    const interrupt = new AbortController();
    const watcher = setInterval(async () => {
      const [{ n }] = await database.dataSource.query('SELECT count(*)::int AS n FROM embeddings WHERE run_id = $1', [runId]);
      if (n > 0) interrupt.abort();
    }, 5);
    try {
      await expect(embedder.embedRun(runId, { signal: interrupt.signal, logger })).rejects.toBeInstanceOf(JobInterruptedError);
    } finally {
      clearInterval(watcher);
    }
    const [{ partial }] = await database.dataSource.query('SELECT count(*)::int AS partial FROM embeddings WHERE run_id = $1', [runId]);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(144);
    expect((await embedder.embedRun(runId, { signal: never(), logger })).status).toBe('succeeded');
    const rows = await database.dataSource.query('SELECT i.id, count(e.image_id)::int AS n FROM images i LEFT JOIN embeddings e ON e.image_id = i.id AND e.run_id = $1 GROUP BY i.id', [runId]);
    expect(rows).toHaveLength(144);
    expect(rows.every((row: { n: number }) => row.n === 1)).toBe(true);
  }, 60_000);

  it('answers nearestImages with k results under a selective filter, and by vector', async () => {
    const filter = { cellLine: 'HT29', compound: 'Paclitaxel', plate: null };
    const [{ n }] = await database.dataSource.query(
      `SELECT count(*)::int AS n FROM images i JOIN cell_lines l ON l.id = i.cell_line_id JOIN compounds c ON c.id = i.compound_id WHERE l.name = 'HT29' AND c.name = 'Paclitaxel'`,
    );
    const { data, errors } = await query(
      `query ($run: ID!, $k: Int, $filter: ImageFilterInput) { nearestImages(run: $run, image: "1", k: $k, filter: $filter) { imageId distance image { plate cellLine { name } compound { name } } } }`,
      { run: runId, k: n, filter },
    );
    expect(errors).toBeUndefined();
    expect(data.nearestImages).toHaveLength(n);
    expect(data.nearestImages.every((hit: any) => hit.image.cellLine.name === 'HT29' && hit.image.compound.name === 'Paclitaxel')).toBe(true);
    const distances = data.nearestImages.map((hit: { distance: number }) => hit.distance);
    expect([...distances].sort((a, b) => a - b)).toEqual(distances);

    const embedding = await query(`query ($run: ID!) { embedding(run: $run, image: "2") { dimensions vector } }`, { run: runId });
    expect(embedding.data.embedding.dimensions).toBe(2048);
    const byVector = await query(`query ($run: ID!, $v: [Float!]) { nearestImages(run: $run, vector: $v, k: 3, metric: EUCLIDEAN) { imageId distance } }`, { run: runId, v: embedding.data.embedding.vector });
    expect(byVector.errors).toBeUndefined();
    expect(byVector.data.nearestImages[0]).toEqual({ imageId: '2', distance: expect.closeTo(0, 3) });

    const profile = await query(`query ($run: ID!) { profile(run: $run, compound: "DMSO", cellLine: "ACHN", normalization: STANDARDIZE) { compound { name } imageCount dimensions } }`, { run: runId });
    expect(profile.errors).toBeUndefined();
    expect(profile.data.profile).toMatchObject({ compound: { name: 'DMSO' }, dimensions: 2048 });
  });

  it('answers NOT_FOUND for unknown runs, compounds and images, BAD_USER_INPUT for a bad k or vector', async () => {
    const code = async (source: string, variables: Record<string, unknown>) => (await query(source, variables)).errors?.[0]?.extensions?.code;
    const unknownRun = '00000000-0000-4000-8000-000000000000';
    expect(await code(NEAREST_COMPOUNDS, { run: unknownRun })).toBe('NOT_FOUND');
    expect(await code(`query ($run: ID!) { nearestCompounds(run: $run, compound: "Aspirin", cellLine: "ACHN") { distance } }`, { run: runId })).toBe('NOT_FOUND');
    expect(await code(`query ($run: ID!) { nearestImages(run: $run, image: "999999", k: 3) { imageId } }`, { run: runId })).toBe('NOT_FOUND');
    expect(await code(`query ($run: ID!) { embedding(run: $run, image: "999999") { dimensions } }`, { run: runId })).toBe('NOT_FOUND');
    expect(await code(`query ($run: ID!) { nearestImages(run: $run, image: "1", k: 3, filter: { plate: "no-such-plate" }) { imageId } }`, { run: runId })).toBe('NOT_FOUND');
    expect(await code(`query ($run: ID!) { nearestImages(run: $run, image: "1", k: 101) { imageId } }`, { run: runId })).toBe('BAD_USER_INPUT');
    expect(await code(`query ($run: ID!) { nearestImages(run: $run, vector: [1, 2, 3], k: 3) { imageId } }`, { run: runId })).toBe('BAD_USER_INPUT');
    expect(await code(NEAREST_COMPOUNDS, { run: runId, k: 0 })).toBe('BAD_USER_INPUT');
  });
});
