import type { EmbeddingRepository } from '../db/repositories/embedding.repository';
import { clusteredVectorChunks } from './synthetic-vectors';

/** Vectors written per COPY, as the embed job writes them. */
const WRITE_EVERY = 1024;

/**
 * Synthetic embeddings (clusteredVectors) for every image of a run's screen, written through
 * the embed job's own path (begin, COPY chunks with one in flight, complete): what
 * `bench pipeline --embedding synthetic` times at sizes where running the encoder over every
 * image would take hours. A page of images and a chunk of vectors at a time: memory does not
 * grow with the screen.
 */
export class SyntheticEmbeddingService {
  constructor(private readonly embeddings: EmbeddingRepository) {}

  async ingest(runId: string, screenId: string, options: { dim: number; seed: number }): Promise<{ images: number; generation: number }> {
    const { images } = await this.embeddings.screenShape(screenId);
    await this.embeddings.begin(runId, options.dim, { synthetic: 'clustered-vectors', seed: options.seed });
    const chunks = clusteredVectorChunks({ n: images, dim: options.dim, seed: options.seed }, WRITE_EVERY);
    let writing: Promise<void> = Promise.resolve();
    try {
      let chunk: Float32Array = new Float32Array(0);
      let used = 0;
      for await (const page of this.embeddings.imagePagesOf(screenId)) {
        for (let start = 0; start < page.length; ) {
          if (used === chunk.length) {
            chunk = chunks.next().value as Float32Array;
            used = 0;
          }
          const take = Math.min(page.length - start, (chunk.length - used) / options.dim);
          const rows = page.slice(start, start + take).map((image, i) => ({ imageId: image.id, vector: chunk.subarray(used + i * options.dim, used + (i + 1) * options.dim) }));
          start += take;
          used += take * options.dim;
          await writing;
          writing = this.embeddings.write(runId, rows);
          // its failure is thrown where it is awaited; until then it must not count as unhandled
          writing.catch(() => undefined);
        }
      }
      await writing;
    } finally {
      await writing.catch(() => undefined);
    }
    const generation = await this.embeddings.complete(runId, screenId);
    return { images, generation };
  }
}
