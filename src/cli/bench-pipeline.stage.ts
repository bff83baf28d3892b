import { openDatabase } from '../db/database';
import { EmbeddingRepository } from '../db/repositories/embedding.repository';
import { SyntheticEmbeddingService } from '../embedding/synthetic-embedding.service';
import { createLogger } from '../logger';
import { PipelineBenchService, type PipelineBenchRequest, type PipelineBenchState, type PipelineStage, type StageOutcome } from '../reports/pipeline-bench.service';
import { createServices } from '../services';
import { errorText } from '../util/error-text';
import { configFrom } from './config-options';

/** What `bench pipeline` sends the process of one stage. */
export interface StageRequest {
  stage: PipelineStage;
  request: PipelineBenchRequest;
  state: PipelineBenchState;
  databaseUrl: string;
  dataDir: string;
  logLevel: string;
}

export type StageReply = { ok: true; outcome: StageOutcome; seconds: number; cpuSeconds: number; peakRssBytes: number } | { ok: false; error: string };

/**
 * The process of one `bench pipeline` stage (forked by bench-pipeline.command.ts): runs the
 * stage, answers with its time and this process's peak resident memory, and exits. Its own
 * process, so that the peak is the stage's alone.
 */
async function runStage(message: StageRequest): Promise<StageReply> {
  const config = configFrom({ databaseUrl: message.databaseUrl, dataDir: message.dataDir, logLevel: message.logLevel });
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config, logger, { migrate: false });
  try {
    const services = createServices(config, database);
    const embeddingRows = new EmbeddingRepository(database.dataSource);
    const bench = new PipelineBenchService({ ...services, embeddingRows, synthetic: new SyntheticEmbeddingService(embeddingRows) });
    const started = performance.now();
    const cpu = process.cpuUsage();
    const outcome = await bench.run(message.stage, message.request, message.state, { dataDir: config.dataDir, logger });
    const seconds = (performance.now() - started) / 1000;
    // this process's threads, not PostgreSQL's: on a shared machine less noisy than the wall time
    const used = process.cpuUsage(cpu);
    // maxRSS is in kilobytes, the high-water mark of this process (its threads included)
    return { ok: true, outcome, seconds, cpuSeconds: (used.user + used.system) / 1e6, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
  } finally {
    await database.close();
  }
}

process.once('message', (message: StageRequest) => {
  runStage(message)
    .catch((error: unknown): StageReply => ({ ok: false, error: errorText(error) }))
    .then((reply) => process.send!(reply, () => process.exit(0)));
});
