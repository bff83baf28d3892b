import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { escapeLiteral, type PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DataSource } from 'typeorm';
import { copyHeader, copyTrailer } from '../copy-binary.format';
import { copyPages } from './copy-pages.query';
import { decodeVector, encodeVector, type VectorPrecision } from '../../embedding/vector-codec';
import type { EmbeddingSetEntity } from '../entities/embedding-set.entity';
import { GREY_CHANNELS, type ScreenChannel } from '../../data/channels/screen-channel';
import { screenImagePages, screenImages, type ScreenImage } from './screen-images.query';

/** One image's embedding on its way in or out. */
export interface EmbeddingRow {
  imageId: number;
  vector: Float32Array;
}

export interface EmbeddingStorageBytes {
  heap: number;
  toast: number;
  toastIndex: number;
  indexes: number;
  total: number;
}

export type EmbeddingSetState = Pick<EmbeddingSetEntity, 'runId' | 'generation' | 'status' | 'imageCount' | 'dimensions' | 'settings'>;

/** Connections one write uses at most (the pool has 10), and the fewest rows worth one. */
const WRITE_CONNECTIONS = 2;
const MIN_ROWS_PER_PART = 256;

/**
 * Embeddings in Postgres. Writes go through COPY in PostgreSQL's binary format (a vector is
 * its stored bytes on the wire, float32 or float16 as vector-codec.ts makes them, no hex
 * text), a chunk at a time, each chunk replacing the rows of its images in one transaction:
 * a job killed midway and run again leaves one row per image (the primary key is (run,
 * image)), never two.
 */
export class EmbeddingRepository {
  /** `precision`: how vectors are written (see vector-codec.ts); rows of either kind read back as float32. */
  constructor(
    private readonly dataSource: DataSource,
    private readonly precision: VectorPrecision = 'float32',
  ) {}

  imagesOf(screenId: string): Promise<ScreenImage[]> {
    return screenImages(this.dataSource, screenId);
  }

  /** The screen's images a page at a time, in id order: for a pass that must not hold the screen. */
  imagePagesOf(screenId: string): AsyncGenerator<ScreenImage[]> {
    return screenImagePages(this.dataSource, screenId);
  }

  /** How many images the screen has, and its channels. */
  async screenShape(screenId: string): Promise<{ images: number; channels: readonly ScreenChannel[] }> {
    const [row]: Array<{ images: number; channels: ScreenChannel[] }> = await this.dataSource.query(
      'SELECT (SELECT count(*)::int FROM images WHERE screen_id = s.id) AS images, s.channels FROM screens s WHERE s.id = $1',
      [screenId],
    );
    return row ?? { images: 0, channels: GREY_CHANNELS };
  }


  async set(runId: string): Promise<EmbeddingSetState | undefined> {
    const rows: Array<{ run_id: string; generation: number; status: 'embedding' | 'complete'; image_count: number; dimensions: number; settings: Record<string, unknown> }> =
      await this.dataSource.query('SELECT run_id, generation, status, image_count, dimensions, settings FROM embedding_sets WHERE run_id = $1', [runId]);
    const row = rows[0];
    return row && { runId: row.run_id, generation: row.generation, status: row.status, imageCount: row.image_count, dimensions: row.dimensions, settings: row.settings };
  }

  /**
   * Marks the run's embeddings as being (re)written; indexes keep serving the last complete
   * generation. The settings record the precision the vectors are stored in.
   */
  async begin(runId: string, dimensions: number, given: Record<string, unknown>): Promise<void> {
    const settings = { ...given, precision: this.precision };
    await this.dataSource.query(
      `INSERT INTO embedding_sets (run_id, generation, status, image_count, dimensions, settings) VALUES ($1, 0, 'embedding', 0, $2, $3)
       ON CONFLICT (run_id) DO UPDATE SET status = 'embedding', dimensions = $2, settings = $3, updated_at = now()`,
      [runId, dimensions, JSON.stringify(settings)],
    );
  }

  /**
   * Drops rows of images no longer in the run's screen and publishes a new generation: the
   * signal for vector indexes to rebuild.
   */
  async complete(runId: string, screenId: string): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('DELETE FROM embeddings e WHERE e.run_id = $1 AND NOT EXISTS (SELECT 1 FROM images i WHERE i.id = e.image_id AND i.screen_id = $2)', [runId, screenId]);
      await manager.query(
        `UPDATE embedding_sets SET status = 'complete', generation = generation + 1, image_count = (SELECT count(*) FROM embeddings WHERE run_id = $1), updated_at = now()
          WHERE run_id = $1`,
        [runId],
      );
      const rows: Array<{ generation: number }> = await manager.query('SELECT generation FROM embedding_sets WHERE run_id = $1', [runId]);
      return rows[0].generation;
    });
  }

  /**
   * Replaces the embeddings of these images under this run, COPY binary. A large write is split
   * into parts written at once on separate connections, each part one transaction replacing its
   * own images' rows: Postgres spends a core per connection on the rows (tuples, TOAST, indexes,
   * foreign-key checks) while this process only streams bytes, so one connection left a core idle.
   */
  async write(runId: string, rows: readonly EmbeddingRow[]): Promise<void> {
    const parts = Math.min(WRITE_CONNECTIONS, Math.ceil(rows.length / MIN_ROWS_PER_PART));
    const size = Math.ceil(rows.length / Math.max(1, parts));
    const writes: Array<Promise<void>> = [];
    for (let start = 0; start < rows.length; start += size) writes.push(this.writePart(runId, rows.slice(start, start + size)));
    const results = await Promise.allSettled(writes);
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async writePart(runId: string, rows: readonly EmbeddingRow[]): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    try {
      await client.query('BEGIN');
      // No wait for this commit's WAL flush: safe here, because WAL is flushed in order, so
      // once complete() commits (synchronously) every chunk before it is durable too, and a
      // crash before that leaves an incomplete set that the retried job rewrites anyway.
      await client.query('SET LOCAL synchronous_commit = off');
      await client.query('DELETE FROM embeddings WHERE run_id = $1 AND image_id = ANY($2::int[])', [runId, rows.map((row) => row.imageId)]);
      const copy = client.query(copyFrom('COPY embeddings (run_id, image_id, dimensions, vector) FROM STDIN (FORMAT binary)'));
      await pipeline(Readable.from(binaryCopyChunks(runId, rows, this.precision)), copy);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /**
   * The embeddings table's bytes on disk: heap, TOAST table (where vectors of more than ~2 kB
   * go), the TOAST table's index, the table's own indexes, and all of them with their maps.
   */
  async storageBytes(): Promise<EmbeddingStorageBytes> {
    const [row]: Array<Record<keyof EmbeddingStorageBytes, string>> = await this.dataSource.query(
      `SELECT pg_relation_size(c.oid) AS heap, pg_relation_size(c.reltoastrelid) AS toast, pg_indexes_size(c.reltoastrelid) AS "toastIndex",
              pg_indexes_size(c.oid) AS indexes, pg_total_relation_size(c.oid) AS total
         FROM pg_class c WHERE c.oid = 'embeddings'::regclass`,
    );
    return { heap: Number(row.heap), toast: Number(row.toast), toastIndex: Number(row.toastIndex), indexes: Number(row.indexes), total: Number(row.total) };
  }

  async count(runId: string): Promise<number> {
    const rows: Array<{ n: string }> = await this.dataSource.query('SELECT count(*) AS n FROM embeddings WHERE run_id = $1', [runId]);
    return Number(rows[0].n);
  }

  async vectorOf(runId: string, imageId: number): Promise<Float32Array | undefined> {
    const rows: Array<{ dimensions: number; vector: Buffer }> = await this.dataSource.query('SELECT dimensions, vector FROM embeddings WHERE run_id = $1 AND image_id = $2', [
      runId,
      imageId,
    ]);
    return rows[0] && decodeVector(rows[0].vector, rows[0].dimensions);
  }

  /** The first `limit` image ids of a run's embeddings, in image order. */
  async imageIds(runId: string, limit: number): Promise<number[]> {
    const rows: Array<{ image_id: number }> = await this.dataSource.query('SELECT image_id FROM embeddings WHERE run_id = $1 ORDER BY image_id LIMIT $2', [runId, limit]);
    return rows.map((row) => row.image_id);
  }

  /**
   * All of a run's embeddings in image order, in pages of `pageSize`, read by one binary COPY
   * (copy-pages.query.ts): a vector comes as its stored bytes, not as 16 KB of hex text.
   */
  stream(runId: string, pageSize = 2048): AsyncGenerator<EmbeddingRow[]> {
    return copyPages(
      this.dataSource,
      `SELECT image_id, dimensions, vector FROM embeddings WHERE run_id = ${escapeLiteral(runId)}::uuid ORDER BY image_id`,
      pageSize,
      ([imageId, dimensions, vector]) => ({ imageId: imageId!.readInt32BE(0), vector: decodeVector(vector!, dimensions!.readInt32BE(0)) }),
    );
  }
}

/** PostgreSQL's binary COPY format: header, one tuple per row (uuid, int4, int4, bytea), trailer. */
function* binaryCopyChunks(runId: string, rows: readonly EmbeddingRow[], precision: VectorPrecision, rowsPerChunk = 512): Generator<Buffer> {
  const uuid = Buffer.from(runId.replace(/-/g, ''), 'hex');
  if (uuid.length !== 16) throw new Error(`not a uuid: ${runId}`);
  yield copyHeader();
  for (let start = 0; start < rows.length; start += rowsPerChunk) {
    const chunk = rows.slice(start, start + rowsPerChunk);
    const vectors = chunk.map((row) => encodeVector(row.vector, precision));
    const size = vectors.reduce((total, vector) => total + 2 + 20 + 8 + 8 + 4 + vector.byteLength, 0);
    const out = Buffer.allocUnsafe(size);
    let offset = 0;
    chunk.forEach((row, i) => {
      offset = out.writeInt16BE(4, offset);
      offset = out.writeInt32BE(16, offset);
      offset += uuid.copy(out, offset);
      offset = out.writeInt32BE(4, offset);
      offset = out.writeInt32BE(row.imageId, offset);
      offset = out.writeInt32BE(4, offset);
      offset = out.writeInt32BE(row.vector.length, offset);
      offset = out.writeInt32BE(vectors[i].byteLength, offset);
      offset += vectors[i].copy(out, offset);
    });
    yield out;
  }
  yield copyTrailer();
}
