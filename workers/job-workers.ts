import type { JobHolder } from '../src/queue/job.queue';
import type { Runtime } from '../src/runtime';
import type { JobPayloads } from '../src/queue/jobs';
import { createJobHandlers } from './job-handlers';

export interface WorkerOptions {
  queues?: Array<keyof JobPayloads>;
  concurrency: number;
  /** the worker's heartbeat, told of every job taken and let go */
  holder?: JobHolder;
}

/** Binds every job's handler to the queue; refuses to start if a queue asked for has none. */
export async function startWorkers(runtime: Runtime, options: WorkerOptions): Promise<void> {
  await runtime.queue.work(createJobHandlers(runtime), options);
}
