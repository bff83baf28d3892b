import type { Logger } from 'pino';
import type { PipelineService } from './pipeline.service';

/**
 * A worker's pipeline passes: one now (awaited, so a new worker has queued every missing step
 * before it says it is ready) and one every `intervalSeconds`. Returns the function that stops them.
 */
export async function schedulePipeline(pipeline: PipelineService, intervalSeconds: number, logger: Logger): Promise<() => void> {
  const pass = async () => {
    const queued = await pipeline.advance();
    if (queued.length > 0) logger.info({ queued }, 'queued the missing next step of runs');
  };
  await pass();
  const timer = setInterval(() => pass().catch((error: unknown) => logger.error({ err: error }, 'pipeline pass failed')), intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
