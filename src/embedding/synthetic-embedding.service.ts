import type { EmbeddingRepository } from '../db/repositories/embedding.repository';
import { clusteredVectorChunks } from './synthetic-vectors';

/** Vectors written per COPY, as the embed job writes them. */
const WRITE_EVERY = 1024;

/**
 * Synthetic embeddings (clusteredVectors) for every image of a run's screen, written through
 * the embed job's own path (begin, COPY chunks with one in flight, complete): what
 * `bench pipeline --embedding synthetic` times at sizes where running the encoder over every
 * image would take hours. A chunk at a time: memory does not grow with the screen.
 */
export class SyntheticEmbeddingService {
  constructor(private readonly embeddings: EmbeddingRepository) {}

  async ingest(runId: string, screenId: string, options: { dim: number; seed: number }): Promise<{ images: number; generation: number }> {
    const images = await this.embeddings.imagesOf(screenId);
    await this.embeddings.begin(runId, options.dim, { synthetic: 'clustered-vectors', seed: options.seed });
    let writing: Promise<void> = Promise.resolve();
    try {
      let first = 0;
      for (const chunk of clusteredVectorChunks({ n: images.length, dim: options.dim, seed: options.seed }, WRITE_EVERY)) {
        const rows = images.slice(first, first + chunk.length / options.dim).map((image, i) => ({ imageId: image.id, vector: chunk.subarray(i * options.dim, (i + 1) * options.dim) }));
        first += rows.length;
        await writing;
        writing = this.embeddings.write(runId, rows);
        // its failure is thrown where it is awaited; until then it must not count as unhandled
        writing.catch(() => undefined);
      }
      await writing;
    } finally {
      await writing.catch(() => undefined);
    }
    const generation = await this.embeddings.complete(runId, images.map((image) => image.id));
    return { images: images.length, generation };
  }
}
