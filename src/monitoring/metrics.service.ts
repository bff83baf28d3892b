import type { PoolUsage, HealthRepository } from '../db/repositories/health.repository';
import type { RunRepository } from '../db/repositories/run.repository';
import type { NeighbourService } from '../embedding/neighbour.service';
import type { QueueStatistics } from '../queue/job.queue';

export interface QueueStatisticsSource {
  statistics(): Promise<QueueStatistics[]>;
}

/** What /metrics reports beside its own counters, read when it is scraped. */
export interface MetricsSnapshot {
  queues: QueueStatistics[];
  training: Array<{ runId: string; setup: string; imagesPerSecond: number }>;
  loadedIndexBytes: number;
  pool: PoolUsage;
}

/**
 * Figures of the whole deployment, read at scrape time: workers are other processes, possibly
 * on other hosts, so queues, jobs and training come from PostgreSQL; the pool and the loaded
 * indexes are this process's own.
 */
export class MetricsService {
  constructor(
    private readonly runs: RunRepository,
    private readonly health: HealthRepository,
    private readonly neighbours: NeighbourService,
    /** absent in one-off commands without a queue: no queue figures then */
    private readonly queue: QueueStatisticsSource | undefined,
  ) {}

  async snapshot(): Promise<MetricsSnapshot> {
    const [queues, training] = await Promise.all([this.queue?.statistics() ?? [], this.runs.trainingThroughput()]);
    return { queues, training, loadedIndexBytes: this.neighbours.loadedIndexBytes(), pool: this.health.poolUsage() };
  }
}
