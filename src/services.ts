import { ApiKeyService } from './auth/api-key.service';
import type { Logger } from 'pino';
import { CatalogService } from './catalog/catalog.service';
import type { Config } from './config';
import type { Database } from './db/database';
import { ApiKeyRepository } from './db/repositories/api-key.repository';
import { CatalogRepository } from './db/repositories/catalog.repository';
import { RunRepository } from './db/repositories/run.repository';
import { ScreenRepository } from './db/repositories/screen.repository';
import { SharpImageInspector } from './data/import/image.inspector';
import { ImportRoots } from './data/import/import-roots';
import { ScreenImportService, type ScreenJobSender } from './data/screen-import.service';
import { SweepRepository } from './db/repositories/sweep.repository';
import { TrainingImageRepository } from './db/repositories/training-image.repository';
import { CheckpointStore } from './training/checkpoint.store';
import { EmbeddingRepository } from './db/repositories/embedding.repository';
import { NeighbourRepository } from './db/repositories/neighbour.repository';
import { ProfileRepository } from './db/repositories/profile.repository';
import { ProfileBuildRepository } from './db/repositories/profile-build.repository';
import { ProfileService } from './embedding/profile.service';
import { EmbeddingService } from './embedding/embedding.service';
import { ClassicalEmbeddingService } from './embedding/classical-embedding.service';
import { EncoderExportService } from './embedding/onnx/encoder-export.service';
import { OnnxModelStore } from './embedding/onnx/onnx-model.store';
import { EvaluationRepository } from './db/repositories/evaluation.repository';
import { EvaluationService, type EvaluateJobSender } from './evaluation/evaluation.service';
import { availableParallelism } from 'node:os';
import { NeighbourService } from './embedding/neighbour.service';
import { SearchWorkerPool } from './embedding/search-worker.pool';
import { VectorIndexStore } from './embedding/vector-index.store';
import { RunService } from './training/run.service';
import { SweepService, type RunJobSender } from './training/sweep.service';
import { TrainingService } from './training/training.service';
import { BaselineService } from './training/baseline.service';
import { ComparisonRepository } from './db/repositories/comparison.repository';
import { ComparisonService } from './reports/comparison.service';
import { DemoService } from './reports/demo.service';
import { ScienceBenchService } from './reports/science-bench.service';
import { HealthRepository } from './db/repositories/health.repository';
import { BenchFixtureRepository } from './db/repositories/bench-fixture.repository';
import { PipelineRepository } from './db/repositories/pipeline.repository';
import { PipelineService, type PipelineQueue } from './pipeline/pipeline.service';
import { WorkerRepository } from './db/repositories/worker.repository';
import { WorkerHeartbeat, type AbandonedJobQueue } from './pipeline/worker-heartbeat.service';
import { LiveUpdateService } from './live/live-update.service';
import { MetricsService, type QueueStatisticsSource } from './monitoring/metrics.service';
import { ExportRepository } from './db/repositories/export.repository';
import { ExportService } from './export/export.service';
import { ImageQueryService } from './embedding/image-query.service';
import { ImageFileService } from './data/image-file.service';
import { ImageFileRepository } from './db/repositories/image-file.repository';

/** The services of one process, wired to their adapters once at start. */
export interface Services {
  apiKeys: ApiKeyService;
  catalog: CatalogService;
  runs: RunService;
  screens: ScreenImportService;
  sweeps: SweepService;
  training: TrainingService;
  embeddings: EmbeddingService;
  /** a run's profiles, rebuilt from its stored embeddings (the embed job calls it too) */
  profiles: ProfileService;
  encoderExport: EncoderExportService;
  neighbours: NeighbourService;
  evaluations: EvaluationService;
  comparisons: ComparisonService;
  demo: DemoService;
  scienceBench: ScienceBenchService;
  health: HealthRepository;
  pipeline: PipelineService;
  /** subscriptions' updates: fed by the API process's change listener (src/db/change.listener.ts) */
  live: LiveUpdateService;
  exports: ExportService;
  imageQueries: ImageQueryService;
  imageFiles: ImageFileService;
}

/** Memory the API's loaded vector indexes may hold together (least recently used out first). */
export const INDEX_MEMORY_BUDGET_BYTES = 2 * 1024 ** 3;

/** What services may queue. */
export type ServiceJobSender = ScreenJobSender & RunJobSender & EvaluateJobSender & PipelineQueue;

/** `queue` lets services queue follow-up work; without it (one-off commands) they cannot. */
export function createServices(config: Config, database: Database, queue?: ServiceJobSender): Services {
  const { dataSource } = database;
  const pageLimit = config.limits.maxPageSize;
  const runs = new RunRepository(dataSource);
  const comparisonRepository = new ComparisonRepository(dataSource);
  const embeddings = new EmbeddingRepository(dataSource, config.storage.vectorPrecision);
  const profiles = new ProfileRepository(dataSource);
  const catalog = new CatalogService(new CatalogRepository(dataSource), pageLimit);
  const screens = new ScreenImportService(new ScreenRepository(dataSource), new SharpImageInspector(), { storeDir: config.storeDir, queue, importRoots: new ImportRoots(config.importRoots), concurrency: config.importConcurrency });
  const sweeps = new SweepService(new SweepRepository(dataSource), runs, catalog, pageLimit, queue);
  const comparisons = new ComparisonService(comparisonRepository, sweeps);
  const checkpoints = new CheckpointStore(config.storeDir);
  const encoderExport = new EncoderExportService(runs, checkpoints, new OnnxModelStore((runId) => checkpoints.runDir(runId)));
  const profileBuilds = new ProfileService(new ProfileBuildRepository(dataSource));
  const classicalEmbedding = new ClassicalEmbeddingService(runs, embeddings, profileBuilds);
  const embeddingService = new EmbeddingService(runs, embeddings, profileBuilds, checkpoints, encoderExport, classicalEmbedding, config.training);
  const neighbours = new NeighbourService(runs, embeddings, profiles, new NeighbourRepository(dataSource), new VectorIndexStore(config.dataDir), {
    memoryBudgetBytes: INDEX_MEMORY_BUDGET_BYTES,
    maxK: pageLimit,
    // the API's own thread keeps one core; the searches get the rest
    searchPool: new SearchWorkerPool(Math.min(4, availableParallelism() - 1)),
  });
  const evaluations = new EvaluationService(runs, embeddings, new EvaluationRepository(dataSource), queue);
  const runService = new RunService(runs, sweeps, catalog, pageLimit);
  return {
    apiKeys: new ApiKeyService(new ApiKeyRepository(dataSource), config.adminKey),
    catalog,
    runs: runService,
    screens,
    sweeps,
    training: new TrainingService(runs, new TrainingImageRepository(dataSource), checkpoints, new BaselineService(runs, checkpoints, config.training), config.training),
    embeddings: embeddingService,
    profiles: profileBuilds,
    encoderExport,
    neighbours,
    evaluations,
    comparisons,
    // a step a stop cut off is queued again by the workers' pipeline (src/pipeline), not by the demo
    demo: new DemoService(screens, sweeps, comparisonRepository),
    scienceBench: new ScienceBenchService(screens, sweeps, comparisonRepository, comparisons),
    pipeline: new PipelineService(new PipelineRepository(dataSource), queue),
    health: new HealthRepository(dataSource),
    live: new LiveUpdateService(runs, runService, sweeps),
    exports: new ExportService(runs, embeddings, new ExportRepository(dataSource), config.dataDir),
    imageQueries: new ImageQueryService(runs, checkpoints, encoderExport, neighbours, config.training),
    imageFiles: new ImageFileService(new ImageFileRepository(dataSource)),
  };
}

/** What the benches measure: the adapters themselves, on fixtures they make and remove. */
export interface BenchAdapters {
  fixtures: BenchFixtureRepository;
  embeddings: EmbeddingRepository;
  indexes: VectorIndexStore;
}

export function createBenchAdapters(config: Config, database: Database): BenchAdapters {
  const { dataSource } = database;
  return { fixtures: new BenchFixtureRepository(dataSource), embeddings: new EmbeddingRepository(dataSource, config.storage.vectorPrecision), indexes: new VectorIndexStore(config.dataDir) };
}

/** The figures /metrics reads at scrape time; without a queue (one-off commands) no queue figures. */
export function createMetricsService(database: Database, services: Services, queue?: QueueStatisticsSource): MetricsService {
  return new MetricsService(new RunRepository(database.dataSource), services.health, services.neighbours, queue);
}

/** A worker process's heartbeat: the jobs it holds, and the hand-back of those whose holder died. */
export function createWorkerHeartbeat(config: Config, database: Database, queue: AbandonedJobQueue, logger: Logger): WorkerHeartbeat {
  return new WorkerHeartbeat(new WorkerRepository(database.dataSource), queue, config.pipeline, logger);
}
