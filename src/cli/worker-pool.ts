import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { childEnvironment, type Config } from '../config';

export interface WorkerPoolOptions {
  workers: number;
  /** wasm threads per worker */
  threads: number;
  concurrency: number;
}

/** Restarts of a worker that died on its own are spaced out by this much. */
const RESTART_DELAY_MS = 2000;
/** A worker that has not finished its graceful stop by then is killed. */
const STOP_TIMEOUT_MS = 60_000;

/**
 * `start`'s workers: separate processes, because tfjs computes on the thread that calls it, so
 * two jobs in one process take turns, and a training step would hold the API's event loop for
 * seconds. Each child is `morphospace worker` on the same database and data dir. A child that
 * dies on its own is started again (its job goes back to the queue and is resumed); a child
 * whose parent dies stops itself (see `exitWithParent`).
 */
export class WorkerPool {
  private readonly children = new Set<ChildProcess>();
  private stopping = false;

  constructor(
    private readonly config: Config,
    private readonly databaseUrl: string,
    private readonly options: WorkerPoolOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    for (let i = 0; i < this.options.workers; i += 1) this.spawn(i);
  }

  /** SIGTERM to every worker (their jobs end or go back to the queue), then waits for them. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.children].map((child) => stopChild(child)));
  }

  private spawn(index: number): void {
    const cli = path.resolve(__dirname, '../../../bin/morphospace.js');
    const args = ['worker', '--threads', String(this.options.threads), '--concurrency', String(this.options.concurrency), '--backend', this.config.training.backend, '--inference', this.config.training.inference, '--vector-precision', this.config.storage.vectorPrecision, '--training-runtime', this.config.training.runtime];
    const child = fork(cli, args, {
      env: childEnvironment({ DATABASE_URL: this.databaseUrl, MORPHOSPACE_DATA_DIR: this.config.dataDir, MORPHOSPACE_STORE_DIR: this.config.storeDir, LOG_LEVEL: this.config.logLevel }),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // out of the terminal's process group: Ctrl-C reaches `start` alone, which stops the
      // workers with one SIGTERM (a second signal would make a worker exit at once)
      detached: true,
    });
    this.children.add(child);
    this.logger.info({ worker: index, pid: child.pid, threads: this.options.threads }, 'worker process started');
    child.once('exit', (code, signal) => {
      this.children.delete(child);
      if (this.stopping) return;
      this.logger.error({ worker: index, code, signal }, 'worker process died; starting it again');
      setTimeout(() => {
        if (!this.stopping) this.spawn(index);
      }, RESTART_DELAY_MS).unref();
    });
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A worker forked by `start` stops (gracefully, as on SIGTERM) when its parent's channel closes: the parent died. */
export function exitWithParent(): void {
  if (!process.channel) return;
  // the channel must not by itself keep a stopped worker alive
  process.channel.unref();
  const stop = () => process.kill(process.pid, 'SIGTERM');
  // a parent killed while this worker was still loading has already disconnected
  if (!process.connected) stop();
  else process.once('disconnect', stop);
}

/** Threads per worker: as asked, else the cores shared out among the workers. */
export function threadsPerWorker(configured: number | undefined, workers: number): number {
  return configured ?? Math.max(1, Math.floor(os.availableParallelism() / workers));
}
