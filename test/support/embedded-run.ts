import { openDatabase } from '../../src/db/database';
import { BenchFixtureRepository } from '../../src/db/repositories/bench-fixture.repository';
import { EmbeddingRepository } from '../../src/db/repositories/embedding.repository';
import { createLogger } from '../../src/logger';
import { REPRESENTATION_DIM } from '../../src/training/networks/encoder';
import { SeededRandom } from '../../src/util/seeded-random';
import { testConfig } from './test-database';

export interface EmbeddedRun {
  runId: string;
  imageIds: number[];
}

/**
 * A run with random embeddings of `images` throwaway images, migrated into the database first:
 * enough for the API to build and search an index, without training anything.
 */
export async function seedEmbeddedRun(databaseUrl: string, images: number): Promise<EmbeddedRun> {
  const database = await openDatabase(testConfig(databaseUrl), createLogger('silent'), { migrate: true });
  try {
    const run = await new BenchFixtureRepository(database.dataSource).create(images);
    const embeddings = new EmbeddingRepository(database.dataSource);
    const random = new SeededRandom('embedded-run');
    await embeddings.begin(run.runId, REPRESENTATION_DIM, {});
    await embeddings.write(run.runId, run.imageIds.map((imageId) => ({ imageId, vector: Float32Array.from({ length: REPRESENTATION_DIM }, () => random.normal()) })));
    await embeddings.complete(run.runId, run.screenId);
    return { runId: run.runId, imageIds: run.imageIds };
  } finally {
    await database.close();
  }
}
