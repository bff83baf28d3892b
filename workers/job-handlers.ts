import type { JobHandlers } from '../src/queue/job-definition';
import type { JobPayloads } from '../src/queue/jobs';
import type { Runtime } from '../src/runtime';

/** One thin handler per job name: unpack the payload, call the service that holds the rules. */
export function createJobHandlers(runtime: Pick<Runtime, 'services'>): JobHandlers<JobPayloads> {
  return {
    // safe to run twice: a screen already registered from the same preset and seed is left alone
    'screen.generate': async (payload, { logger, signal }) => {
      const result = await runtime.services.screens.generateAndRegister(payload, { signal, jobName: 'screen.generate' });
      logger.info({ screen: result.screen.id, name: result.screen.name, images: result.screen.imageCount, unchanged: result.unchanged }, 'screen registered');
    },
    'run.train': async ({ runId }, { jobId, logger, signal }) => {
      const outcome = await runtime.services.training.train(runId, { jobId, logger, signal });
      logger.info({ run: runId, outcome }, 'training finished');
      // on any outcome: a retried job finds its run already succeeded ('skipped') when a kill
      // came between the success and this follow-up, and the embedding must still be queued
      await runtime.services.pipeline.advance(runId);
    },
    // safe to run twice: every image's row is replaced, one per image whatever happened before
    'run.embed': async ({ runId }, { logger, signal }) => {
      const outcome = await runtime.services.embeddings.embedRun(runId, { logger, signal });
      logger.info({ run: runId, ...outcome }, 'embedding finished');
      // the run's next step (its evaluation), queued unless it already has a job
      await runtime.services.pipeline.advance(runId);
    },
    // safe to run twice: each result set (run + task + parameters) is replaced in one transaction
    'run.evaluate': async ({ runId, parameters }, { logger, signal }) => {
      const outcome = await runtime.services.evaluations.evaluateRun(runId, parameters, { logger, signal });
      logger.info({ run: runId, ...outcome }, 'evaluation finished');
    },
  };
}
