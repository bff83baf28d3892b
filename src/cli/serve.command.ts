import path from 'node:path';
import type { Command } from 'commander';
import { startApiServer } from '../api/http.server';
import type { Config } from '../config';
import { openRuntime, stopOnSignal, type Runtime } from '../runtime';
import { startWorkers } from '../../workers/job-workers';
import { configFrom, VECTOR_PRECISION_FLAG, VECTOR_PRECISION_HELP, withConfigOptions, type ConfigFlags } from './config-options';
import { parseConcurrency, parseQueues } from './worker-options';
import { startDemo } from './demo.runner';
import { checkForcedInference } from '../embedding/encoders/tile-encoder.selector';
import { checkForcedTrainingRuntime } from '../training/training-runtime.selector';
import { exitWithParent, threadsPerWorker, WorkerPool, type WorkerPoolOptions } from './worker-pool';
import { schedulePipeline } from '../pipeline/pipeline.scheduler';
import { createMetricsService, createWorkerHeartbeat } from '../services';
import { ApiMetrics } from '../api/metrics/api.metrics';
import { PostgresChangeListener } from '../db/change.listener';

interface ServeOptions extends ConfigFlags {
  concurrency?: string;
}

export function registerServeCommands(program: Command): void {
  withServerOptions(withConfigOptions(program.command('serve').description('Serve the GraphQL API'))).action(async (options: ServeOptions) => {
    await serve(configFrom(options), undefined);
  });
  withServerOptions(withConfigOptions(program.command('start').description('The main job: the API, worker processes and the demo, on the embedded database by default')))
    .option('--workers <n>', 'worker processes (default: MORPHOSPACE_WORKERS or one per core)')
    .option('--concurrency <n>', 'jobs at once per worker', '1')
    .option('--backend <name>', 'tfjs backend for training (default: MORPHOSPACE_BACKEND or auto)')
    .option('--threads <n>', 'wasm threads per worker (default: MORPHOSPACE_THREADS or the cores shared out among the workers)')
    .option('--inference <runtime>', 'what embeds: auto, onnx or wasm (default: MORPHOSPACE_INFERENCE or auto)')
    .option(VECTOR_PRECISION_FLAG, VECTOR_PRECISION_HELP)
    .option('--training-runtime <runtime>', 'what trains: auto, onnx or wasm (default: MORPHOSPACE_TRAINING_RUNTIME or auto)')
    .option('--no-demo', 'no demo screen and sweep (default: MORPHOSPACE_DEMO or on)')
    .action(async (options: ServeOptions) => {
      // the terminal is for start's progress lines: its JSON logs are warnings and errors unless asked
      const config = configFrom({ ...options, defaultLogLevel: 'warn' });
      checkForcedInference(config.training.inference);
      checkForcedTrainingRuntime(config.training.runtime);
      const { workers, demo } = config.start;
      await serve(config, { workers, threads: threadsPerWorker(config.training.threads, workers), concurrency: parseConcurrency(options.concurrency ?? '1') }, demo);
    });
}

export function registerWorkerCommand(program: Command): void {
  withConfigOptions(program.command('worker').description('Run background jobs'))
    .option('--queues <names>', 'comma-separated job names to take, served in that order (default: all, later pipeline steps first)')
    .option('--backend <name>', 'tfjs backend: auto, tensorflow-gpu, tensorflow, webgpu, wasm, cpu (default: MORPHOSPACE_BACKEND or auto)')
    .option('--threads <n>', 'threads for training and embedding (default: MORPHOSPACE_THREADS or one per core)')
    .option('--inference <runtime>', 'what embeds: auto, onnx or wasm (default: MORPHOSPACE_INFERENCE or auto)')
    .option(VECTOR_PRECISION_FLAG, VECTOR_PRECISION_HELP)
    .option('--training-runtime <runtime>', 'what trains: auto, onnx or wasm (default: MORPHOSPACE_TRAINING_RUNTIME or auto)')
    .option('--concurrency <n>', 'jobs at once in this worker', '1')
    .action(async (options: ServeOptions & { queues?: string }) => {
      const config = configFrom(options);
      checkForcedInference(config.training.inference);
      checkForcedTrainingRuntime(config.training.runtime);
      const workerOptions = { queues: parseQueues(options.queues), concurrency: parseConcurrency(options.concurrency ?? '1') };
      exitWithParent();
      const runtime = await openRuntime(config);
      await runUntilStopped(runtime, async () => {
        // the first beat hands back what dead workers held before this one takes any job
        const heartbeat = createWorkerHeartbeat(config, runtime.database, runtime.queue, runtime.logger);
        await heartbeat.start();
        await startWorkers(runtime, { ...workerOptions, holder: heartbeat });
        const stopPipeline = await schedulePipeline(runtime.services.pipeline, config.pipeline.intervalSeconds, runtime.logger);
        runtime.logger.info({ queues: workerOptions.queues ?? 'all', worker: heartbeat.identity.id }, 'worker ready');
        return async () => {
          stopPipeline();
          // jobs end or go back to the queue first: until then the heartbeat still lists them
          await heartbeat.stopReaping();
          await runtime.queue.stop();
          await heartbeat.stop();
        };
      });
    });
}

function withServerOptions(command: Command): Command {
  return command
    .option('--port <port>', 'HTTP port (default: PORT or 4000)')
    .option('--host <host>', 'interface to listen on (default: HOST or 127.0.0.1)')
    .option('--require-reader', 'queries need a reader key too')
    .option('--metrics <access>', 'who may read /metrics: open, or reader (any API key) (default: MORPHOSPACE_METRICS, else reader with --require-reader, else open)')
    .option('--import-roots <dirs>', `directories the API's importScreen may read below, separated by "${path.delimiter}" (default: MORPHOSPACE_IMPORT_ROOTS or <data dir>/imports)`);
}

async function serve(config: Config, workers: WorkerPoolOptions | undefined, demo = false): Promise<void> {
  const runtime = await openRuntime(config);
  await runUntilStopped(runtime, async () => {
    const pool = workers ? new WorkerPool(config, runtime.database.url, workers, runtime.logger) : undefined;
    pool?.start();
    const metrics = new ApiMetrics(createMetricsService(runtime.database, runtime.services, runtime.queue));
    // changes committed by any worker, on any host, reach this replica's subscribers
    const changes = new PostgresChangeListener(runtime.database.url, runtime.services.live, runtime.logger);
    await changes.start();
    const api = await startApiServer(config, runtime.services, {
      database: () => runtime.services.health.databaseReachable(),
      queue: () => runtime.queue.isReachable(),
    }, runtime.logger, metrics).catch(async (error: unknown) => {
      await changes.stop();
      throw error;
    });
    runtime.logger.info({ url: `${api.url}/graphql`, embeddedDatabase: runtime.database.embedded }, 'morphospace is listening');
    process.stderr.write(`morphospace: GraphQL API at ${api.url}/graphql, health at ${api.url}/healthz\n`);
    const stopDemo = demo ? startDemo(runtime, api.url) : () => undefined;
    return async () => {
      stopDemo();
      await api.close();
      await changes.stop();
      await pool?.stop();
    };
  });
}

/** Starts the parts, then on SIGINT/SIGTERM stops them in reverse: API, workers and queue, database. */
async function runUntilStopped(runtime: Runtime, startParts: () => Promise<() => Promise<void>>): Promise<void> {
  let stopParts: () => Promise<void>;
  try {
    stopParts = await startParts();
  } catch (error) {
    await runtime.close();
    throw error;
  }
  await stopOnSignal(runtime.logger, async () => {
    await stopParts();
    await runtime.close();
  });
}
