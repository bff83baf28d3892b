import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { Command } from 'commander';
import { startApiServer } from '../api/http.server';
import { ApiMetrics } from '../api/metrics/api.metrics';
import { openDatabase } from '../db/database';
import { MatrixMath } from '../embedding/matrix.adapter';
import { clusteredVectors } from '../embedding/synthetic-vectors';
import { roundRowsToFloat16 } from '../embedding/vector-codec';
import { DEFAULT_INDEX_PARAMETERS, VectorIndex } from '../embedding/vector-index';
import { createLogger } from '../logger';
import { createBenchAdapters, createMetricsService, createServices } from '../services';
import { selectBackend } from '../training/backend';
import { SeededRandom } from '../util/seeded-random';
import { integerFlag } from './bench-ingest.command';
import { configFrom, VECTOR_PRECISION_FLAG, VECTOR_PRECISION_HELP, withConfigOptions, type ConfigFlags } from './config-options';
import { printJsonLine } from './json-lines';
import { latencyPercentile, round } from './bench-figures';
import { benchImageQuery } from './bench-image-query';

interface BenchSearchFlags extends ConfigFlags {
  n: string;
  dim: string;
  k: string;
  queries: string;
  seconds: string;
  clients: string;
  projected: string;
  imageQueries: string;
}

/** Concurrent GraphQL clients, on their own thread so that they do not compete with the server's. */
const CLIENT_SCRIPT = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const { url, run, labels, k, seconds, clients } = workerData;
// plain node:http with keep-alive: fetch (undici) cost ~6 ms of client CPU per request here
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
const latencies = [];
let failures = 0;
const query = 'query ($run: ID!, $image: ID!, $k: Int!) { nearestImages(run: $run, image: $image, k: $k) { imageId distance } }';
function post(body) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
    });
    request.on('error', reject);
    request.end(body);
  });
}
async function client(c) {
  const end = performance.now() + seconds * 1000;
  for (let i = c; performance.now() < end; i += clients) {
    const started = performance.now();
    const body = await post(JSON.stringify({ query, variables: { run, image: String(labels[i % labels.length]), k } }));
    if (!body.data || body.data.nearestImages.length !== k) failures += 1;
    latencies.push(performance.now() - started);
  }
}
const started = performance.now();
Promise.all(Array.from({ length: clients }, (_, c) => client(c))).then(() => parentPort.postMessage({ latencies, failures, elapsed: (performance.now() - started) / 1000 }));
`;

/**
 * `morphospace bench search`: builds a cosine HNSW index over synthetic clustered vectors (in
 * process, timed), then measures raw search (in process, one thread), recall@k against exact
 * search, and the same searches as GraphQL nearestImages queries over HTTP from concurrent
 * clients, on the same index loaded by the API from the data dir; then the latency of
 * nearestCompoundsForImage (bench-image-query.ts).
 */
export function registerBenchSearchCommand(bench: Command): void {
  withConfigOptions(bench.command('search').description('Vector index build time, recall and query throughput, raw and over GraphQL'))
    .option('--n <count>', 'indexed vectors', '50000')
    .option('--dim <d>', 'dimensions (the API serves 2048)', '2048')
    .option('--k <k>', 'neighbours per query', '10')
    .option('--queries <count>', 'distinct query vectors (indexed ones, each excluding itself)', '200')
    .option('--seconds <s>', 'measured time per throughput figure', '10')
    .option('--clients <n>', 'concurrent GraphQL clients', '8')
    .option('--projected <p>', 'dimensions the graph is built on', String(DEFAULT_INDEX_PARAMETERS.projectedDimensions))
    .option(VECTOR_PRECISION_FLAG, `${VECTOR_PRECISION_HELP}; float16 indexes the vectors as a float16 deployment reads them back, recall against exact float32 search`)
    .option('--image-queries <count>', 'nearestCompoundsForImage queries timed after a tiny run is trained for them (0: none)', '50')
    .action(async (flags: BenchSearchFlags) => {
      const n = integerFlag('--n', flags.n, 100, 10_000_000);
      const dim = integerFlag('--dim', flags.dim, 2, 65_536);
      const k = integerFlag('--k', flags.k, 1, 100);
      const queryCount = integerFlag('--queries', flags.queries, 1, n);
      const seconds = integerFlag('--seconds', flags.seconds, 1, 3600);
      const clients = integerFlag('--clients', flags.clients, 1, 256);
      const imageQueries = integerFlag('--image-queries', flags.imageQueries, 0, 100_000);
      const parameters = { ...DEFAULT_INDEX_PARAMETERS, projectedDimensions: integerFlag('--projected', flags.projected, 2, 4096) };
      const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-bench-search-'));
      const config = configFrom({ ...flags, logLevel: flags.logLevel ?? 'warn', dataDir, port: '0' });
      const logger = createLogger(config.logLevel);
      await selectBackend({ backend: 'wasm', threads: 1 });

      const vectors = clusteredVectors({ n, dim, seed: 1 });
      const database = await openDatabase(config, logger, { migrate: true });
      const { fixtures, indexes } = createBenchAdapters(config, database);
      const run = await fixtures.create(n);
      try {
        const labels = Uint32Array.from(run.imageIds);
        const math = await MatrixMath.create();
        const buildStarted = performance.now();
        const float16 = config.storage.vectorPrecision === 'float16';
        const index = VectorIndex.build(math, 'cosine', dim, labels, float16 ? roundRowsToFloat16(vectors, dim) : vectors, parameters);
        const buildSeconds = (performance.now() - buildStarted) / 1000;
        // the truth: exact search over the float32 vectors the embedding computed
        const truth = float16 ? VectorIndex.build(math, 'cosine', dim, labels, vectors, parameters) : index;

        const random = new SeededRandom('bench-search-queries');
        const queryLabels = random.shuffle([...labels]).slice(0, queryCount);
        const queries = queryLabels.map((label) => ({ label, vector: Float32Array.from(index.vectorOf(label)!) }));
        let recalled = 0;
        for (const { label, vector } of queries) {
          const exclude = new Set([label]);
          const exact = new Set(truth.exact(truth.vectorOf(label)!, k, { exclude }).map((hit) => hit.label));
          recalled += index.search(vector, k, { exclude }).filter((hit) => exact.has(hit.label)).length;
        }
        let searches = 0;
        const rawStarted = performance.now();
        while (performance.now() - rawStarted < seconds * 1000) {
          const { label, vector } = queries[searches % queries.length];
          index.search(vector, k, { exclude: new Set([label]) });
          searches += 1;
        }
        const rawQps = searches / ((performance.now() - rawStarted) / 1000);

        // the API finds the index where the embed job would have put it
        const generation = await fixtures.publish(run.runId, n, dim);
        await indexes.save(index, { run: run.runId, kind: 'images', generation });
        const services = createServices(config, database);
        await services.neighbours.index(run.runId, 'images', 'cosine');
        const api = await startApiServer(config, services, { database: async () => true, queue: async () => true }, logger, new ApiMetrics(createMetricsService(database, services)));
        try {
          const result = await new Promise<{ latencies: number[]; failures: number; elapsed: number }>((resolve, reject) => {
            const worker = new Worker(CLIENT_SCRIPT, { eval: true, workerData: { url: `${api.url}/graphql`, run: run.runId, labels: queryLabels, k, seconds, clients } });
            worker.once('message', resolve);
            worker.once('error', reject);
          });
          printJsonLine({
            bench: 'search',
            n,
            dim,
            k,
            metric: 'cosine',
            vectorPrecision: config.storage.vectorPrecision,
            projectedDimensions: index.internals.projection.outputDimensions,
            buildSeconds: round(buildSeconds, 2),
            rawQps: round(rawQps, 1),
            graphqlQps: round(result.latencies.length / result.elapsed, 1),
            clients,
            p50Ms: latencyPercentile(result.latencies, 50),
            p99Ms: latencyPercentile(result.latencies, 99),
            recallAt10: round(recalled / (queries.length * k), 4),
            failedQueries: result.failures,
          });
          if (imageQueries > 0) printJsonLine(await benchImageQuery(config, database, `${api.url}/graphql`, imageQueries, logger));
        } finally {
          await api.close();
        }
      } finally {
        await fixtures.remove(run);
        await database.close();
        await fs.rm(dataDir, { recursive: true, force: true });
      }
    });
}
