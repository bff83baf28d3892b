import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Database } from '../db/database';
import type { ScreenImage } from '../db/repositories/screen-images.query';
import { createBenchAdapters, createServices, type ServiceJobSender } from '../services';
import { latencyPercentile, round } from './bench-figures';

const QUERY = 'query ($run: ID!, $image: String!, $cellLine: ID!) { nearestCompoundsForImage(run: $run, image: $image, cellLine: $cellLine, k: 5) { compound { name } distance } }';

/**
 * The latency of nearestCompoundsForImage over HTTP, one query at a time: a tiny screen is
 * generated into the bench's data dir and a run trained briefly on it (1 epoch of 32 images)
 * and embedded with 64-pixel tiles, then its images are sent back as queries (128x128 PNGs,
 * 4 tiles each). The first query opens the run's encoder and is reported apart (coldMs).
 */
export async function benchImageQuery(config: Config, database: Database, graphqlUrl: string, queries: number, logger: Logger): Promise<Record<string, unknown>> {
  const queue: ServiceJobSender = { send: async () => null, unfinishedJobs: async () => [] };
  const services = createServices(config, database, queue);
  const { fixtures, embeddings } = createBenchAdapters(config, database);
  const signal = new AbortController().signal;
  const name = `bench-image-${randomUUID().slice(0, 8)}`;
  await services.screens.generateAndRegister({ preset: 'tiny', seed: 7, name });
  const { runs } = await services.sweeps.create({
    screen: name,
    setups: ['weakly-supervised/one-crop'],
    profile: 'quick',
    overrides: { epochs: 1, batchSize: 16, imagesPerEpoch: 32, learningRate: 1e-3, embedTileSize: 64 },
  });
  const run = runs[0];
  try {
    if ((await services.training.train(run.id, { jobId: `bench-image-${run.id}`, signal, logger })) !== 'succeeded') throw new Error(`the image bench's run ${run.id} did not train`);
    if ((await services.embeddings.embedRun(run.id, { signal, logger })).status !== 'succeeded') throw new Error(`the image bench's run ${run.id} did not embed`);
    // the queries cycle through the screen's first page of images: the bench holds a page, never a whole screen
    let images: ScreenImage[] = [];
    for await (const page of embeddings.imagePagesOf(run.screenId)) {
      images = page;
      break;
    }
    const cellLines = new Map((await services.neighbours.cellLinesById([...new Set(images.map((image) => image.cellLineId))])).map((line) => [line.id, line.name]));
    const latencies: number[] = [];
    let coldMs = 0;
    let failures = 0;
    let bytes = 0;
    for (let i = 0; i <= queries; i++) {
      const image = images[i % images.length];
      const file = await fs.readFile(image.path);
      bytes += file.length;
      const started = performance.now();
      const response = await fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: QUERY, variables: { run: run.id, image: file.toString('base64'), cellLine: cellLines.get(image.cellLineId) } }),
      });
      const body = (await response.json()) as { data?: { nearestCompoundsForImage: unknown[] } };
      const elapsed = performance.now() - started;
      if (!body.data || body.data.nearestCompoundsForImage.length === 0) failures += 1;
      if (i === 0) coldMs = elapsed;
      else latencies.push(elapsed);
    }
    return {
      bench: 'search-image',
      imageSide: 128,
      tileSize: 64,
      queries,
      meanImageBytes: Math.round(bytes / (queries + 1)),
      coldMs: round(coldMs, 2),
      p50Ms: latencyPercentile(latencies, 50),
      p99Ms: latencyPercentile(latencies, 99),
      failedQueries: failures,
    };
  } finally {
    await services.imageQueries.close();
    await fixtures.remove({ screenId: run.screenId, runId: run.id, imageIds: [] });
  }
}
