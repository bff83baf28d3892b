import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database';
import { EmbeddingRepository } from '../../src/db/repositories/embedding.repository';
import { ProfileBuildRepository } from '../../src/db/repositories/profile-build.repository';
import { ProfileRepository, type ProfileRecord } from '../../src/db/repositories/profile.repository';
import { ProfileService } from '../../src/embedding/profile.service';
import { MatrixMath } from '../../src/embedding/matrix.adapter';
import { VectorIndex } from '../../src/embedding/vector-index';
import { clusteredVectors } from '../../src/embedding/synthetic-vectors';
import { createLogger } from '../../src/logger';
import { createServices } from '../../src/services';
import { inMemoryProfiles } from '../support/in-memory-profiles';
import { RecordingQueue } from '../support/recording-queue';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/test-database';

const DIM = 64;

/**
 * The streamed profile build (cursors over Postgres, a treatment at a time) against the
 * in-memory build it replaced, on the tiny screen with synthetic embeddings. Medians are the
 * same float32 values whatever the order of the images, so those match exactly. The
 * standardize scaler sums float64 over the plate's reference wells in another order than the
 * in-memory build did, which can move a float32 result by an ulp: 1e-6 relative covers that. The
 * image index built from Postgres page by page must answer as the in-memory index does.
 */
describe('profiles and image indexes built from Postgres a group at a time', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let dataDir: string;
  let runId: string;
  let embeddings: EmbeddingRepository;
  let service: ProfileService;
  let profiles: ProfileRepository;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('profile_stream');
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-profile-stream-'));
    const config = testConfig(testDatabase.url, { MORPHOSPACE_DATA_DIR: dataDir });
    database = await openDatabase(config, createLogger('silent'), { migrate: true });
    const services = createServices(config, database, new RecordingQueue());
    await services.screens.generateAndRegister({ preset: 'tiny', seed: 3, name: 'tiny' });
    const { runs } = await services.sweeps.create({ screen: 'tiny', setups: ['weakly-supervised/one-crop'], profile: 'quick' });
    runId = runs[0].id;
    embeddings = new EmbeddingRepository(database.dataSource);
    profiles = new ProfileRepository(database.dataSource);
    service = new ProfileService(new ProfileBuildRepository(database.dataSource));
  }, 60_000);
  afterAll(async () => {
    await database.close();
    await testDatabase.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  const embedAll = async (skip: (image: { plate: string; compound: string }) => boolean) => {
    const images = (await embeddings.imagesOf((await database.dataSource.query('SELECT screen_id FROM runs WHERE id = $1', [runId]))[0].screen_id)).filter((image) => !skip(image));
    const raw = clusteredVectors({ n: images.length, dim: DIM, clusters: 7, seed: 5 });
    const vectors = new Map(images.map((image, i) => [image.id, raw.slice(i * DIM, (i + 1) * DIM)]));
    await database.dataSource.query('DELETE FROM embeddings WHERE run_id = $1', [runId]);
    await embeddings.write(runId, images.map((image) => ({ imageId: image.id, vector: vectors.get(image.id)! })));
    return inMemoryProfiles(images, vectors);
  };

  const stored = async (): Promise<ProfileRecord[]> => {
    const all: ProfileRecord[] = [];
    for (const level of ['treatment', 'well'] as const) {
      for (const normalization of ['none', 'standardize', 'mad-robustize'] as const) all.push(...(await profiles.list(runId, level, normalization)).map(({ id: _id, ...rest }) => rest));
    }
    return all;
  };

  const expectSame = (actual: ProfileRecord[], expected: ProfileRecord[]) => {
    const key = (p: ProfileRecord) => [p.level, p.normalization, p.compoundId, p.cellLineId, p.concentration, p.plate, p.well].join('|');
    const byKey = new Map(actual.map((p) => [key(p), p]));
    expect(actual).toHaveLength(expected.length);
    let worst = 0;
    for (const want of expected) {
      const got = byKey.get(key(want));
      expect(got, key(want)).toBeDefined();
      expect({ ...got!, vector: undefined }).toEqual({ ...want, vector: undefined });
      if (want.normalization !== 'standardize') expect(got!.vector).toEqual(want.vector);
      want.vector.forEach((value, d) => (worst = Math.max(worst, Math.abs(got!.vector[d] - value) / Math.max(1, Math.abs(value)))));
    }
    expect(worst).toBeLessThan(1e-6);
  };

  it('equals the in-memory build on every level and normalisation', async () => {
    const expected = await embedAll(() => false);
    expect(await service.rebuild(runId)).toBe(expected.length);
    expectSame(await stored(), expected);
    expect(expected.some((p) => p.normalization === 'mad-robustize')).toBe(true);
  });

  it('leaves a plate without embedded controls out of the normalised profiles, as the in-memory build did', async () => {
    const plate = (await database.dataSource.query('SELECT min(plate) AS plate FROM images'))[0].plate as string;
    const expected = await embedAll((image) => image.plate === plate && image.compound === 'DMSO');
    await service.rebuild(runId);
    const actual = await stored();
    expectSame(actual, expected);
    expect(actual.some((p) => p.plate === plate && p.normalization !== 'none')).toBe(false);
  });

  it('answers nearestImages from an index built from Postgres page by page, re-ranking from its file, as the in-memory index does', async () => {
    const screenId = (await database.dataSource.query('SELECT screen_id FROM runs WHERE id = $1', [runId]))[0].screen_id as string;
    const images = await embeddings.imagesOf(screenId);
    const raw = clusteredVectors({ n: images.length, dim: DIM, clusters: 7, seed: 5 });
    await embeddings.write(runId, images.map((image, i) => ({ imageId: image.id, vector: raw.slice(i * DIM, (i + 1) * DIM) })));
    await embeddings.begin(runId, DIM, {});
    await embeddings.complete(runId, screenId);
    const services = createServices(testConfig(testDatabase.url, { MORPHOSPACE_DATA_DIR: dataDir }), database);
    const loaded = await services.neighbours.index(runId, 'images', 'cosine');
    // nothing of the full vectors in memory: they are in the index's file
    expect(loaded.index.internals.vectors.residentBytes).toBe(0);
    const inMemory = VectorIndex.build(await MatrixMath.create(), 'cosine', DIM, Uint32Array.from(images, (image) => image.id), raw);
    for (const image of images.slice(0, 20)) {
      const answer = await services.neighbours.nearestImages({ run: runId, image: String(image.id), k: 10, metric: 'cosine' });
      const expected = inMemory.search(inMemory.vectorOf(image.id)!, 10, { exclude: new Set([image.id]) });
      expect(answer.map(({ imageId, distance }) => ({ label: imageId, distance }))).toEqual(expected);
    }
  });

  it('keeps the old profiles when the build fails midway', async () => {
    const before = await stored();
    await expect(new ProfileBuildRepository(database.dataSource).rebuild(runId, async (session) => {
      await session.insert(before.slice(0, 3));
      throw new Error('interrupted');
    })).rejects.toThrow('interrupted');
    expect(await stored()).toEqual(before);
  });
});
