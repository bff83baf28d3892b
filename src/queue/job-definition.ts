import type { Logger } from 'pino';

/** What a handler gets besides its payload. */
export interface JobContext {
  jobId: string;
  logger: Logger;
  /** aborted when the worker shuts down: stop at a safe point and throw, and the job is retried */
  signal: AbortSignal;
}

export type JobHandler<Payload> = (payload: Payload, context: JobContext) => Promise<void>;

export interface JobOptions {
  retryLimit: number;
  retryDelaySeconds: number;
  /** an active job not finished within this time is presumed dead and retried */
  expireInSeconds: number;
  /** 'stately': at most one waiting and one active job per singleton key */
  policy?: 'standard' | 'stately';
}

/** Job name -> payload type: the one place a job's contract is written down. */
export type JobHandlers<Payloads> = { [Name in keyof Payloads]: JobHandler<Payloads[Name]> };
export type JobOptionsByName<Payloads> = { [Name in keyof Payloads]: JobOptions };
