/** Thrown by a handler that stopped early because the worker is shutting down; the job is retried. */
export class JobInterruptedError extends Error {
  constructor(jobName: string) {
    super(`job ${jobName} interrupted by worker shutdown`);
    this.name = 'JobInterruptedError';
  }
}
