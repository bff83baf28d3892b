import type { JobHandlers } from '../src/queue/job-definition';
import type { JobPayloads } from '../src/queue/jobs';
import type { Runtime } from '../src/runtime';

/** One thin handler per job name: unpack the payload, call the service that holds the rules. */
export function createJobHandlers(runtime: Runtime): JobHandlers<JobPayloads> {
  void runtime;
  return {};
}
