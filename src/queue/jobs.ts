import type { JobOptionsByName } from './job-definition';

/**
 * Every job of the application: its name, its payload type, its retry policy. A handler
 * for each is bound in workers/job-handlers.ts; the compiler and the worker both check it.
 */
export interface JobPayloads {
  /** generate a synthetic screen into <dataDir>/screens/<name> and register it */
  'screen.generate': { preset: string; seed: number; name: string };
}

export const JOB_OPTIONS: JobOptionsByName<JobPayloads> = {
  // the large preset streams ~780k images: hours, not minutes
  'screen.generate': { retryLimit: 2, retryDelaySeconds: 30, expireInSeconds: 6 * 3600 },
};
