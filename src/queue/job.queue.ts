import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { JobHandler, JobHandlers, JobOptionsByName } from './job-definition';
import { JobInterruptedError } from './job-interrupted.error';

export interface WorkOptions<Payloads> {
  /** queues to take jobs from; all when omitted */
  queues?: Array<keyof Payloads & string>;
  /** jobs run at once per queue */
  concurrency: number;
}

export class UnknownQueueError extends Error {}

/**
 * The job queue (pg-boss on the application's database). Every job name has exactly one
 * payload type and one handler; a worker refuses to start otherwise.
 */
export class JobQueue<Payloads extends object> {
  private readonly boss: PgBoss;
  private readonly shutdown = new AbortController();
  private readonly running = new Set<Promise<unknown>>();
  private started = false;

  constructor(
    databaseUrl: string,
    private readonly options: JobOptionsByName<Payloads>,
    private readonly logger: Logger,
  ) {
    this.boss = new PgBoss({ connectionString: databaseUrl, application_name: 'morphospace-queue', max: 4 });
    this.boss.on('error', (error) => this.logger.error({ err: error }, 'job queue error'));
  }

  get names(): Array<keyof Payloads & string> {
    return Object.keys(this.options) as Array<keyof Payloads & string>;
  }

  async start(): Promise<void> {
    await this.boss.start();
    this.started = true;
    for (const name of this.names) {
      const { retryLimit, retryDelaySeconds, expireInSeconds, policy } = this.options[name];
      const queue = { name, retryLimit, retryDelay: retryDelaySeconds, expireInSeconds, policy: policy ?? 'standard' };
      if (await this.boss.getQueue(name)) await this.boss.updateQueue(name, queue);
      else await this.boss.createQueue(name, queue);
    }
  }

  /** Queues a job; with a singleton key, a job already waiting under that key is not queued twice. */
  async send<Name extends keyof Payloads & string>(name: Name, payload: Payloads[Name], singletonKey?: string): Promise<string | null> {
    return this.boss.send(name, payload as object, singletonKey === undefined ? {} : { singletonKey });
  }

  /** Sends an active job whose worker is gone back to be retried now rather than at its expiry. */
  async retryAbandoned<Name extends keyof Payloads & string>(name: Name, jobId: string): Promise<void> {
    const job = await this.boss.getJobById(name, jobId);
    if (job?.state === 'active') await this.boss.fail(name, jobId, { reason: 'its worker stopped responding' });
  }

  async isReachable(): Promise<boolean> {
    if (!this.started) return false;
    try {
      await this.boss.schemaVersion();
      return true;
    } catch {
      return false;
    }
  }

  /** Binds a handler to every queue (or those asked for); refuses to start if any has none. */
  async work(handlers: Partial<JobHandlers<Payloads>>, options: WorkOptions<Payloads>): Promise<void> {
    const queues = options.queues ?? this.names;
    for (const name of queues) {
      if (!this.names.includes(name)) throw new UnknownQueueError(`unknown queue "${name}"; queues: ${this.names.join(', ')}`);
      if (typeof handlers[name] !== 'function') throw new UnknownQueueError(`no handler for job "${name}": refusing to start`);
    }
    for (const name of queues) {
      const handler = handlers[name] as JobHandler<Payloads[typeof name]>;
      for (let slot = 0; slot < options.concurrency; slot += 1) {
        await this.boss.work<Payloads[typeof name]>(name, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
          const task = this.runJob(name, job, handler);
          this.running.add(task);
          try {
            await task;
          } finally {
            this.running.delete(task);
          }
        });
      }
    }
  }

  /**
   * Stops taking jobs, asks running handlers to stop at a safe point, and waits for them:
   * each running job either completes or fails back to the queue to be retried.
   */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    for (const name of this.names) await this.boss.offWork(name);
    this.shutdown.abort();
    await Promise.allSettled([...this.running]);
    await this.boss.stop({ graceful: true, wait: true, timeout: 30_000 });
  }

  private async runJob<Name extends keyof Payloads & string>(name: Name, job: PgBoss.Job<Payloads[Name]>, handler: JobHandler<Payloads[Name]>): Promise<void> {
    const logger = this.logger.child({ job: name, jobId: job.id });
    const started = performance.now();
    try {
      await handler(job.data, { jobId: job.id, logger, signal: this.shutdown.signal });
      logger.info({ durationMs: Math.round(performance.now() - started) }, 'job completed');
    } catch (error) {
      const durationMs = Math.round(performance.now() - started);
      if (error instanceof JobInterruptedError) logger.warn({ durationMs }, 'job interrupted by shutdown: handed back for retry');
      else logger.error({ durationMs, err: error }, 'job failed');
      throw error;
    }
  }
}
