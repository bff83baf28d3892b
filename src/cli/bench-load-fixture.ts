import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { createBenchAdapters, createServices, type ServiceJobSender } from '../services';

/** The screen the load bench trains on when the database has no run of it yet; kept for the next bench. */
export const LOAD_SCREEN = 'bench-load';
const LOAD_SETUP = 'weakly-supervised/one-crop';

/**
 * A finished, evaluated run to serve: the one of the bench-load screen if an earlier bench left
 * it, else the tiny synthetic screen trained briefly (2 epochs of 32 images), embedded and
 * evaluated here, in process, as the workers would (a minute or so on one core). The answers'
 * quality is not what the bench measures, only their cost.
 */
export async function loadBenchRun(config: Config, database: Database, logger: Logger): Promise<string> {
  const { fixtures } = createBenchAdapters(config, database);
  const existing = await fixtures.evaluatedRunOf(LOAD_SCREEN);
  if (existing) return existing;
  // each step is run here in order: nothing goes to the queue for a worker to take up later
  const queue: ServiceJobSender = { send: async () => null, unfinishedJobs: async () => [] };
  const services = createServices(config, database, queue);
  const signal = new AbortController().signal;
  logger.warn({ screen: LOAD_SCREEN, setup: LOAD_SETUP }, 'no evaluated run to serve: training a small one first');
  await services.screens.generateAndRegister({ preset: 'tiny', seed: 7, name: LOAD_SCREEN });
  const { runs } = await services.sweeps.create({
    screen: LOAD_SCREEN,
    setups: [LOAD_SETUP],
    profile: 'quick',
    overrides: { epochs: 2, batchSize: 16, imagesPerEpoch: 32, learningRate: 1e-3 },
  });
  const run = runs[0];
  if ((await services.training.train(run.id, { jobId: `bench-load-${run.id}`, signal, logger })) !== 'succeeded') throw new Error(`the load bench's run ${run.id} did not train`);
  const embedded = await services.embeddings.embedRun(run.id, { signal, logger });
  if (embedded.status !== 'succeeded') throw new Error(`the load bench's run ${run.id} did not embed`);
  const evaluated = await services.evaluations.evaluateRun(run.id, {}, { signal, logger });
  if (evaluated.status !== 'succeeded') throw new Error(`the load bench's run ${run.id} was not evaluated: ${evaluated.reason}`);
  return run.id;
}
