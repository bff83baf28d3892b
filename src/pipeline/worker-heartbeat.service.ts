import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'pino';
import type { HeldJob, WorkerRepository, WorkerState } from '../db/repositories/worker.repository';
import type { JobHolder, QueuedJob, WorkerIdentity } from '../queue/job.queue';
import { isProcessAlive } from '../util/process-alive';

/** The part of the job queue the heartbeat uses. */
export interface AbandonedJobQueue {
  /** of every queue */
  activeJobs(): Promise<QueuedJob[]>;
  retryAbandoned(name: string, jobId: string): Promise<void>;
}

export interface HeartbeatTimings {
  heartbeatSeconds: number;
  staleAfterSeconds: number;
}

/**
 * pg-boss 10 has no heartbeat: an active job whose worker died stays active until its expiry
 * (6 h, 23 h for training). Each worker process therefore writes its own heartbeat row with the
 * jobs it holds, and on every beat hands back (fails, to be retried) the active jobs no live
 * worker holds: those of a worker silent past the limit or, on this host, of a pid that is gone.
 */
export class WorkerHeartbeat implements JobHolder {
  readonly identity: WorkerIdentity = { id: randomUUID(), host: os.hostname(), pid: process.pid };
  private readonly held = new Map<string, HeldJob>();
  private timer: NodeJS.Timeout | undefined;
  private reaping = true;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly workers: WorkerRepository,
    private readonly queue: AbandonedJobQueue,
    private readonly timings: HeartbeatTimings,
    private readonly logger: Logger,
  ) {}

  /** Beats (and reaps) now, then every `heartbeatSeconds` until stopped. */
  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => {
      if (this.inFlight) return;
      this.inFlight = this.beat()
        .then(() => undefined, (error: unknown) => this.logger.error({ err: error }, 'worker heartbeat failed'))
        .finally(() => (this.inFlight = undefined));
    }, this.timings.heartbeatSeconds * 1000);
    this.timer.unref();
  }

  /**
   * The first half of a stop, before the queue closes: from here a beat only says that this
   * worker still holds its jobs, and hands nothing back, since a closed queue can no longer be
   * read (pg-boss answers a query after its stop with nothing). Waits for a beat in progress.
   */
  async stopReaping(): Promise<void> {
    this.reaping = false;
    await this.inFlight;
  }

  async stop(): Promise<void> {
    this.reaping = false;
    clearInterval(this.timer);
    // a beat still running would write this worker's row again after its removal
    await this.inFlight;
    await this.workers.remove(this.identity.id);
  }

  /** Recorded before the handler runs: a job in hand is never taken for abandoned. */
  async taken(job: HeldJob): Promise<void> {
    this.held.set(job.id, job);
    await this.workers.beat(this.identity, [...this.held.values()]);
  }

  released(jobId: string): void {
    this.held.delete(jobId);
  }

  /** Writes this worker's heartbeat, then hands back the jobs of dead workers; returns how many. */
  async beat(): Promise<number> {
    await this.workers.beat(this.identity, [...this.held.values()]);
    if (!this.reaping) return 0;
    const all = await this.workers.all(this.timings.staleAfterSeconds);
    const dead = all.filter((worker) => this.isDead(worker));
    const heldByLive = new Set(all.filter((worker) => !dead.includes(worker)).flatMap((worker) => worker.jobs.map((job) => job.id)));
    const heldByDead = new Set(dead.flatMap((worker) => worker.jobs.map((job) => job.id)));
    const active = await this.queue.activeJobs();
    // an active job nobody lists was taken by a worker that died before it could say so; the
    // grace of one stale period covers a live worker between taking a job and listing it
    const abandoned = active.filter((job) => !heldByLive.has(job.id) && (heldByDead.has(job.id) || (job.activeSeconds ?? 0) > this.timings.staleAfterSeconds));
    for (const job of abandoned) {
      await this.queue.retryAbandoned(job.name, job.id);
      this.logger.warn({ job: job.name, jobId: job.id, key: job.singletonKey }, 'handed back a job its worker abandoned');
    }
    for (const worker of dead) await this.workers.remove(worker.id);
    return abandoned.length;
  }

  private isDead(worker: WorkerState): boolean {
    if (worker.id === this.identity.id) return false;
    return worker.stale || (worker.host === this.identity.host && !isProcessAlive(worker.pid));
  }
}
