import type { EvaluationParameters } from '../evaluation/tasks/evaluation-parameters';
import type { JobOptionsByName } from './job-definition';

/**
 * Every job of the application: its name, its payload type, its retry policy. A handler
 * for each is bound in workers/job-handlers.ts; the compiler and the worker both check it.
 */
export interface JobPayloads {
  /** generate a synthetic screen into <dataDir>/screens/<name> and register it */
  'screen.generate': { preset: string; seed: number; name: string };
  /** train one run of a sweep, resuming from its last checkpoint */
  'run.train': { runId: string };
  /** embed a trained run's screen with its final encoder, then its profiles (queued when training succeeds) */
  'run.embed': { runId: string };
  /** evaluate a run's embeddings: every task, every cell line, stored (queued when embedding succeeds; evaluateRun re-runs it) */
  'run.evaluate': { runId: string; parameters?: EvaluationParameters };
}

/**
 * The order of the keys is the order a worker serves the queues in: a screen first, then a
 * trained run's later steps before the next training, so each run goes through its whole
 * pipeline (and shows up finished) as early as possible.
 */
export const JOB_OPTIONS: JobOptionsByName<JobPayloads> = {
  // the large preset streams ~780k images: hours, not minutes
  'screen.generate': { retryLimit: 2, retryDelaySeconds: 30, expireInSeconds: 6 * 3600 },
  // minutes on the demo screen; result sets are replaced, so a retry after a crash is safe
  'run.evaluate': { retryLimit: 2, retryDelaySeconds: 10, expireInSeconds: 6 * 3600, policy: 'stately' },
  // a rerun rewrites every image's row: safe to retry after a crash at any point
  'run.embed': { retryLimit: 3, retryDelaySeconds: 10, expireInSeconds: 6 * 3600, policy: 'stately' },
  // a paper-profile run trains for hours; a dead worker's job is handed back by heartbeat, not expiry
  'run.train': { retryLimit: 3, retryDelaySeconds: 5, expireInSeconds: 23 * 3600, policy: 'stately' },
};
