import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database';
import { BenchFixtureRepository, type BenchRun } from '../../src/db/repositories/bench-fixture.repository';
import { EmbeddingRepository } from '../../src/db/repositories/embedding.repository';
import { screenImagePages, screenImages } from '../../src/db/repositories/screen-images.query';
import { SyntheticEmbeddingService } from '../../src/embedding/synthetic-embedding.service';
import { clusteredVectors } from '../../src/embedding/synthetic-vectors';
import { createLogger } from '../../src/logger';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/test-database';

const IMAGES = 2_500;
const DIM = 8;

/**
 * The embed jobs read a screen's images a page at a time (keyset on id) instead of all at once.
 * Pages of any size must give the same images in the same order, and the synthetic ingest, whose
 * pages (4,096) and COPY chunks (1,024) do not line up, must pair every image with the vector the
 * whole-screen generator gives it.
 */
describe('embedding a screen a page of images at a time', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let run: BenchRun;
  let embeddings: EmbeddingRepository;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('paged_embedding');
    database = await openDatabase(testConfig(testDatabase.url), createLogger('silent'), { migrate: true });
    run = await new BenchFixtureRepository(database.dataSource).create(IMAGES);
    embeddings = new EmbeddingRepository(database.dataSource);
  });
  afterAll(async () => {
    await database.close();
    await testDatabase.drop();
  });

  it('gives the whole screen in id order, whatever the page size', async () => {
    const all = await screenImages(database.dataSource, run.screenId);
    expect(all.map((image) => image.id)).toEqual(run.imageIds);
    for (const pageRows of [1, 999, 2_500, 4_096]) {
      const paged: number[] = [];
      let pages = 0;
      for await (const page of screenImagePages(database.dataSource, run.screenId, pageRows)) {
        expect(page.length).toBeLessThanOrEqual(pageRows);
        paged.push(...page.map((image) => image.id));
        pages += 1;
      }
      expect(paged).toEqual(run.imageIds);
      expect(pages).toBe(Math.ceil(IMAGES / pageRows));
    }
  });

  it('writes each image the vector the whole-screen generator gives it, and publishes the count', async () => {
    const outcome = await new SyntheticEmbeddingService(embeddings).ingest(run.runId, run.screenId, { dim: DIM, seed: 3 });
    expect(outcome.images).toBe(IMAGES);
    expect(await embeddings.set(run.runId)).toMatchObject({ status: 'complete', imageCount: IMAGES, dimensions: DIM });
    const expected = clusteredVectors({ n: IMAGES, dim: DIM, seed: 3 });
    for (const i of [0, 1_023, 1_024, 2_047, 2_048, IMAGES - 1]) {
      expect(Array.from((await embeddings.vectorOf(run.runId, run.imageIds[i]))!)).toEqual(Array.from(expected.subarray(i * DIM, (i + 1) * DIM)));
    }
  });
});
