import type { JobOptionsByName } from './job-definition';

/**
 * Every job of the application: its name, its payload type, its retry policy. A handler
 * for each is bound in workers/job-handlers.ts; the compiler and the worker both check it.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface JobPayloads {}

export const JOB_OPTIONS: JobOptionsByName<JobPayloads> = {};
