import type { Command } from 'commander';
import { openDatabase } from '../db/database';
import type { EmbeddingRow } from '../db/repositories/embedding.repository';
import { encodeVector } from '../embedding/vector-codec';
import { createLogger } from '../logger';
import { createBenchAdapters } from '../services';
import { SeededRandom } from '../util/seeded-random';
import { configFrom, VECTOR_PRECISION_FLAG, VECTOR_PRECISION_HELP, withConfigOptions, type ConfigFlags } from './config-options';
import { printJsonLine } from './json-lines';
import { UsageError } from './usage-error';

interface BenchIngestFlags extends ConfigFlags {
  n: string;
  dim: string;
  chunk: string;
}

/**
 * `morphospace bench ingest`: writes n random vectors as one run's embeddings the way the embed
 * job does (COPY binary, a transaction per chunk replacing its images' rows), then again
 * (the replace path), against the configured database; the rows are removed afterwards. It
 * also gives the bytes on disk the first write added per row (heap, TOAST, indexes).
 */
export function registerBenchIngestCommand(bench: Command): void {
  withConfigOptions(bench.command('ingest').description('Embedding write throughput into PostgreSQL (vectors/s)'))
    .option('--n <count>', 'vectors', '20000')
    .option('--dim <d>', 'dimensions', '2048')
    .option('--chunk <count>', 'vectors per transaction', '2048')
    .option(VECTOR_PRECISION_FLAG, VECTOR_PRECISION_HELP)
    .action(async (flags: BenchIngestFlags) => {
      const n = integerFlag('--n', flags.n, 1, 10_000_000);
      const dim = integerFlag('--dim', flags.dim, 1, 65_536);
      const chunk = integerFlag('--chunk', flags.chunk, 1, 1_000_000);
      const config = configFrom({ ...flags, logLevel: flags.logLevel ?? 'warn' });
      const database = await openDatabase(config, createLogger(config.logLevel), { migrate: true });
      const { fixtures, embeddings } = createBenchAdapters(config, database);
      const run = await fixtures.create(n);
      try {
        const random = new SeededRandom('bench-ingest');
        const rows: EmbeddingRow[] = run.imageIds.map((imageId) => ({ imageId, vector: Float32Array.from({ length: dim }, () => random.next()) }));
        const timed = async () => {
          const started = performance.now();
          for (let start = 0; start < rows.length; start += chunk) await embeddings.write(run.runId, rows.slice(start, start + chunk));
          return (performance.now() - started) / 1000;
        };
        const before = await embeddings.storageBytes();
        const insertSeconds = await timed();
        const after = await embeddings.storageBytes();
        const replaceSeconds = await timed();
        const stored = await embeddings.count(run.runId);
        if (stored !== n) throw new Error(`expected ${n} rows after the replace, found ${stored}`);
        printJsonLine({
          bench: 'ingest',
          n,
          dim,
          chunk,
          vectorPrecision: config.storage.vectorPrecision,
          vectorsPerSecond: Math.round(n / insertSeconds),
          replaceVectorsPerSecond: Math.round(n / replaceSeconds),
          megabytesPerSecond: Math.round((n * encodeVector(rows[0].vector, config.storage.vectorPrecision).byteLength) / insertSeconds / 1e6),
          // what the first n rows added to the table, per row: exact when nothing else writes embeddings meanwhile
          bytesPerRow: Object.fromEntries(Object.entries(after).map(([part, bytes]) => [part, Math.round((bytes - before[part as keyof typeof before]) / n)])),
          database: config.databaseUrl ? 'external' : 'embedded',
        });
      } finally {
        await fixtures.remove(run);
        await database.close();
      }
    });
}

export function integerFlag(flag: string, raw: string, low: number, high: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < low || value > high) throw new UsageError(`${flag} must be an integer from ${low} to ${high}, got "${raw}"`);
  return value;
}
