import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { JobHandler, JobHandlers, JobOptionsByName } from './job-definition';
import { JobInterruptedError } from './job-interrupted.error';
import { errorMessage } from '../util/error-text';

export interface WorkOptions<Payloads> {
  /** queues to take jobs from; all when omitted */
  queues?: Array<keyof Payloads & string>;
  /** jobs run at once in this process, whatever their queue */
  concurrency: number;
  /** told of each job this process takes and lets go, before it runs and after it ends (the heartbeat lists them) */
  holder?: JobHolder;
}

/** Which worker process ran a job: stored as the job's output in pg-boss, for any host to read. */
export interface WorkerIdentity {
  id: string;
  host: string;
  pid: number;
}

export interface JobHolder {
  readonly identity: WorkerIdentity;
  taken(job: { name: string; id: string }): Promise<void>;
  released(jobId: string): void;
}

/** Where a job stands: waiting (created, retry), active, or given up on (failed, retries spent). */
export type QueuedJobState = 'created' | 'retry' | 'active' | 'failed';

/** A job not finished, or failed for good, as the pipeline sees it. */
export interface QueuedJob {
  name: string;
  id: string;
  singletonKey: string | null;
  state: QueuedJobState;
  /** seconds since a worker took it; null while waiting */
  activeSeconds: number | null;
}

/** One queue as pg-boss holds it now: what waits, and how the jobs it still keeps ended. */
export interface QueueStatistics {
  name: string;
  waiting: number;
  /** seconds the oldest waiting job has waited; 0 when none waits */
  oldestWaitingSeconds: number;
  active: number;
  /** finished jobs pg-boss keeps (in its job and archive tables), by final state */
  outcomes: { completed: number; failed: number; cancelled: number };
  /** from start to end of the kept completed or failed jobs; null when there are none */
  durationSeconds: { p50: number; p90: number; max: number } | null;
}

export class UnknownQueueError extends Error {}

/**
 * The job queue (pg-boss on the application's database). Every job name has exactly one
 * payload type and one handler; a worker refuses to start otherwise.
 */
export class JobQueue<Payloads extends object> {
  private readonly boss: PgBoss;
  private readonly shutdown = new AbortController();
  private readonly slots = new Set<Promise<void>>();
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

  /**
   * The jobs of these queues (under these singleton keys, when given) that are waiting, active,
   * or failed with their retries spent: what the pipeline checks before it queues a step.
   */
  unfinishedJobs(names: ReadonlyArray<keyof Payloads & string> = this.names, keys?: readonly string[]): Promise<QueuedJob[]> {
    return this.jobsIn(['created', 'retry', 'active', 'failed'], names, keys);
  }

  /** The jobs of every queue that a worker holds now: what the heartbeat checks before it hands one back. */
  activeJobs(): Promise<QueuedJob[]> {
    return this.jobsIn(['active'], this.names);
  }

  private async jobsIn(states: readonly QueuedJobState[], names: ReadonlyArray<keyof Payloads & string>, keys?: readonly string[]): Promise<QueuedJob[]> {
    const rows = await this.rowsOf(
      `SELECT name, id, singleton_key, state, EXTRACT(epoch FROM now() - started_on) AS active_seconds
         FROM pgboss.job WHERE name = ANY($1::text[]) AND ($2::text[] IS NULL OR singleton_key = ANY($2::text[]))
          AND state = ANY($3::pgboss.job_state[])`,
      [names, keys ?? null, states],
    );
    return (rows as Array<{ name: string; id: string; singleton_key: string | null; state: QueuedJobState; active_seconds: string | null }>).map((row) => ({
      name: row.name,
      id: row.id,
      singletonKey: row.singleton_key,
      state: row.state,
      activeSeconds: row.state === 'active' && row.active_seconds !== null ? Number(row.active_seconds) : null,
    }));
  }

  /** Every queue's depth, oldest wait, outcomes and job durations, read from pg-boss's tables: workers on any host count. */
  async statistics(): Promise<QueueStatistics[]> {
    const rows = await this.rowsOf(
      `WITH jobs AS (
         SELECT name, state, created_on, started_on, completed_on FROM pgboss.job WHERE name = ANY($1::text[])
         UNION ALL SELECT name, state, created_on, started_on, completed_on FROM pgboss.archive WHERE name = ANY($1::text[])
       ), durations AS (
         SELECT name, EXTRACT(epoch FROM completed_on - started_on) AS seconds FROM jobs
          WHERE state IN ('completed', 'failed') AND started_on IS NOT NULL AND completed_on IS NOT NULL
       )
       SELECT queue.name,
              count(jobs.state) FILTER (WHERE jobs.state IN ('created', 'retry')) AS waiting,
              COALESCE(EXTRACT(epoch FROM now() - min(jobs.created_on) FILTER (WHERE jobs.state IN ('created', 'retry'))), 0) AS oldest_waiting_seconds,
              count(jobs.state) FILTER (WHERE jobs.state = 'active') AS active,
              count(jobs.state) FILTER (WHERE jobs.state = 'completed') AS completed,
              count(jobs.state) FILTER (WHERE jobs.state = 'failed') AS failed,
              count(jobs.state) FILTER (WHERE jobs.state = 'cancelled') AS cancelled,
              (SELECT percentile_cont(ARRAY[0.5, 0.9, 1]) WITHIN GROUP (ORDER BY seconds) FROM durations WHERE durations.name = queue.name) AS duration_quantiles
         FROM unnest($1::text[]) AS queue(name) LEFT JOIN jobs ON jobs.name = queue.name
        GROUP BY queue.name ORDER BY queue.name`,
      [this.names],
    );
    type Row = { name: string; waiting: string; oldest_waiting_seconds: string; active: string; completed: string; failed: string; cancelled: string; duration_quantiles: number[] | null };
    return (rows as Row[]).map((row) => ({
      name: row.name,
      waiting: Number(row.waiting),
      oldestWaitingSeconds: Number(row.oldest_waiting_seconds),
      active: Number(row.active),
      outcomes: { completed: Number(row.completed), failed: Number(row.failed), cancelled: Number(row.cancelled) },
      durationSeconds: row.duration_quantiles ? { p50: row.duration_quantiles[0]!, p90: row.duration_quantiles[1]!, max: row.duration_quantiles[2]! } : null,
    }));
  }

  private async rowsOf(sql: string, values: unknown[]): Promise<unknown[]> {
    const result = await this.boss.getDb().executeSql(sql, values);
    // pg-boss's database answers a query with nothing once the queue has stopped
    if (!result) throw new Error('the job queue is stopped: its tables cannot be read');
    return result.rows;
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

  /**
   * Binds a handler to every queue (or those asked for); refuses to start if any has none.
   * Each of `concurrency` slots takes one job at a time from the queues in the order given:
   * the compute-bound jobs share the process's thread, so two at once only take turns, and
   * a fast job behind a long one would wait for it. Queues earlier in the order are served
   * first whenever a slot is free.
   */
  async work(handlers: Partial<JobHandlers<Payloads>>, options: WorkOptions<Payloads>): Promise<void> {
    const queues = options.queues ?? this.names;
    for (const name of queues) {
      if (!this.names.includes(name)) throw new UnknownQueueError(`unknown queue "${name}"; queues: ${this.names.join(', ')}`);
      if (typeof handlers[name] !== 'function') throw new UnknownQueueError(`no handler for job "${name}": refusing to start`);
    }
    for (let slot = 0; slot < options.concurrency; slot += 1) {
      this.slots.add(this.takeJobs(queues, handlers, options.holder));
    }
  }

  /**
   * Stops taking jobs, asks running handlers to stop at a safe point, and waits for them:
   * each running job either completes or fails back to the queue to be retried.
   */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.shutdown.abort();
    await Promise.allSettled([...this.slots]);
    await this.boss.stop({ graceful: true, wait: true, timeout: 30_000 });
  }

  private async takeJobs(queues: ReadonlyArray<keyof Payloads & string>, handlers: Partial<JobHandlers<Payloads>>, holder: JobHolder | undefined): Promise<void> {
    while (!this.shutdown.signal.aborted) {
      let ran = false;
      try {
        for (const name of queues) {
          if (this.shutdown.signal.aborted) return;
          const [job] = await this.boss.fetch<Payloads[typeof name]>(name, { batchSize: 1 });
          if (!job) continue;
          try {
            await holder?.taken({ name, id: job.id });
            await this.runJob(name, job, handlers[name] as JobHandler<Payloads[typeof name]>, holder?.identity);
          } finally {
            holder?.released(job.id);
          }
          ran = true;
          break;
        }
      } catch (error) {
        // the database went away for a moment: a job in hand is retried by its expiry
        this.logger.error({ err: error }, 'job queue unreachable; trying again');
      }
      if (!ran) await pause(POLL_INTERVAL_MS, this.shutdown.signal);
    }
  }

  private async runJob<Name extends keyof Payloads & string>(name: Name, job: PgBoss.Job<Payloads[Name]>, handler: JobHandler<Payloads[Name]>, worker: WorkerIdentity | undefined): Promise<void> {
    const logger = this.logger.child({ job: name, jobId: job.id });
    const started = performance.now();
    try {
      await handler(job.data, { jobId: job.id, logger, signal: this.shutdown.signal });
      logger.info({ durationMs: Math.round(performance.now() - started) }, 'job completed');
      // the output names the worker, so a job spread over many hosts says where it ran
      await this.boss.complete(name, job.id, { worker });
    } catch (error) {
      const durationMs = Math.round(performance.now() - started);
      if (error instanceof JobInterruptedError) logger.warn({ durationMs }, 'job interrupted by shutdown: handed back for retry');
      else logger.error({ durationMs, err: error }, 'job failed');
      // failed jobs are retried by the queue's policy (retryLimit, retryDelay)
      await this.boss.fail(name, job.id, { message: errorMessage(error), worker });
    }
  }
}

const POLL_INTERVAL_MS = 1000;

/** Resolves after `ms`, or at once when the signal aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
