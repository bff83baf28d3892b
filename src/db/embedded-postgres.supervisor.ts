import type { Logger } from 'pino';
import type { EmbeddedPostgresServer } from './embedded-postgres.server';

export interface SupervisorTimings {
  /** how often the postmaster is looked at while it runs */
  checkIntervalMs: number;
  /** the wait after the first failed restart; doubled after each further one */
  firstRetryMs: number;
  /** the longest wait between restarts */
  maxRetryMs: number;
}

export const SUPERVISOR_TIMINGS: SupervisorTimings = { checkIntervalMs: 1000, firstRetryMs: 1000, maxRetryMs: 30_000 };

/**
 * Keeps the embedded PostgreSQL alive for every process on the data dir. Each process that uses
 * it runs one: the owner restarts a dead server; a sharer waits for the owner, and takes over
 * when the owner itself is gone. A restart may fail while the killed server's backends are still
 * exiting (its shared memory is in use) or its zombie is not yet reaped: attempts are spaced
 * out, doubling up to a cap, one log line each. Clients reconnect by themselves: their pools
 * drop broken connections and the server comes back on the same port.
 */
export class EmbeddedPostgresSupervisor {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private attempts = 0;
  private downSince: number | undefined;

  constructor(
    private readonly server: EmbeddedPostgresServer,
    private readonly logger: Logger,
    private readonly timings: SupervisorTimings = SUPERVISOR_TIMINGS,
  ) {}

  start(): void {
    this.schedule(this.timings.checkIntervalMs);
  }

  /** No further checks or restarts; waits for one in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.check().then((next) => this.schedule(next));
    }, delayMs);
    // supervision alone must not keep a finished command alive
    this.timer.unref();
  }

  /** One look at the server, and a restart if it is down; resolves with the delay before the next look. */
  private async check(): Promise<number> {
    try {
      if (await this.server.isRunning()) {
        // a sharer whose owner was killed adopts the server, so that someone will stop and restart it
        if (!this.server.isOwner && !(await this.server.isOwnedElsewhere())) await this.server.revive();
        this.recovered(false);
        return this.timings.checkIntervalMs;
      }
      if (this.downSince === undefined) {
        this.downSince = Date.now();
        this.logger.error({ owner: this.server.isOwner }, 'embedded postgres is not running');
      }
      if (await this.server.isOwnedElsewhere()) return this.timings.checkIntervalMs;
      this.attempts += 1;
      this.logger.warn({ attempt: this.attempts }, 'restarting embedded postgres');
      const launched = await this.server.revive();
      if (await this.server.isRunning()) this.recovered(launched);
      return this.timings.checkIntervalMs;
    } catch (error) {
      const retryMs = Math.min(this.timings.maxRetryMs, this.timings.firstRetryMs * 2 ** Math.max(0, this.attempts - 1));
      this.logger.error({ attempt: this.attempts, retryMs, err: error }, 'restarting embedded postgres failed');
      return retryMs;
    }
  }

  private recovered(restartedHere: boolean): void {
    if (this.downSince === undefined) return;
    this.logger.warn({ attempts: this.attempts, downMs: Date.now() - this.downSince, restartedHere }, 'embedded postgres is running again');
    this.downSince = undefined;
    this.attempts = 0;
  }
}
