import path from 'node:path';
import type { Logger } from 'pino';
import type { EmbeddingRepository } from '../db/repositories/embedding.repository';
import type { ScreenImportService } from '../data/screen-import.service';
import { imageCount } from '../data/synthetic/plate.layout';
import { generateScreen } from '../data/synthetic/screen.generator';
import { DEMO_PRESET, largePreset, type ScreenPreset } from '../data/synthetic/screen.presets';
import type { EmbeddingService } from '../embedding/embedding.service';
import type { NeighbourService } from '../embedding/neighbour.service';
import type { ProfileService } from '../embedding/profile.service';
import type { SyntheticEmbeddingService } from '../embedding/synthetic-embedding.service';
import type { EvaluationService } from '../evaluation/evaluation.service';
import { TASK_NAMES, type TaskName } from '../evaluation/tasks/task.registry';
import type { TrainingService } from '../training/training.service';

export type EmbeddingMode = 'real' | 'synthetic';

export interface PipelineBenchRequest {
  images: number;
  /** synthetic embeddings' width (real ones are the encoder's) */
  dim: number;
  seed: number;
  imageSize: number;
  embedding: EmbeddingMode;
  /** whose design the screen scales: the demo's 6 cell lines, or the reference study's 21 (the large preset) */
  design: PipelineDesign;
}

export const PIPELINE_DESIGNS = ['demo', 'study'] as const;
export type PipelineDesign = (typeof PIPELINE_DESIGNS)[number];

/** What the stages hand on to each other. */
export interface PipelineBenchState {
  screenDir?: string;
  screenId?: string;
  runId?: string;
}

export interface StageOutcome {
  rows: number;
  /** stage-specific figures */
  details?: Record<string, number | string | boolean>;
  state?: PipelineBenchState;
}

/** Every stage, in the order they run: each needs what the ones before it made. */
export const PIPELINE_STAGES = [
  'generate',
  'import',
  'embed',
  'profiles',
  'index',
  ...TASK_NAMES.map((task) => `evaluate:${task}` as const),
  // the evaluate job as a sweep runs it: every task on one read of each cell line
  'evaluate',
  'nearestCompounds',
  'nearestImages',
] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

/** The stage each stage needs to have run before it (the run's profiles feed mAP, NSC and the profile index). */
function prerequisiteOf(stage: PipelineStage): PipelineStage | undefined {
  if (stage === 'generate') return undefined;
  if (stage === 'import') return 'generate';
  if (stage === 'embed') return 'import';
  if (stage === 'profiles') return 'embed';
  if (stage === 'nearestCompounds' || stage === 'nearestImages') return 'index';
  return 'profiles';
}

/** The chosen stages and every stage they need, in pipeline order. */
export function stagesToRun(chosen: readonly PipelineStage[]): PipelineStage[] {
  const needed = new Set<PipelineStage>();
  for (const stage of chosen) {
    for (let next: PipelineStage | undefined = stage; next !== undefined && !needed.has(next); next = prerequisiteOf(next)) needed.add(next);
  }
  return PIPELINE_STAGES.filter((stage) => needed.has(stage));
}

/** Warm queries timed after the cold one (which loads the index from the data dir). */
const WARM_QUERIES = 20;
const K = 10;

export interface PipelineBenchDependencies {
  screens: ScreenImportService;
  training: TrainingService;
  embeddings: EmbeddingService;
  profiles: ProfileService;
  neighbours: NeighbourService;
  evaluations: EvaluationService;
  synthetic: SyntheticEmbeddingService;
  embeddingRows: EmbeddingRepository;
}

/**
 * `bench pipeline`'s stages, one at a time (the command runs each in its own process so that
 * its peak memory is its own): a demo-shaped screen scaled to N images by its sites per well,
 * imported from its manifest, embedded by the untrained encoder (or given synthetic
 * embeddings through the same write path), profiled, indexed, evaluated task by task, queried.
 */
export class PipelineBenchService {
  constructor(private readonly deps: PipelineBenchDependencies) {}

  async run(stage: PipelineStage, request: PipelineBenchRequest, state: PipelineBenchState, context: { dataDir: string; logger: Logger }): Promise<StageOutcome> {
    const signal = new AbortController().signal;
    switch (stage) {
      case 'generate': {
        const screenDir = path.join(context.dataDir, 'screens', `pipeline-${request.images}`);
        const summary = await generateScreen({ preset: benchPreset(request), seed: request.seed, outDir: screenDir, limit: request.images });
        return { rows: summary.images, details: { bytes: summary.bytes }, state: { screenDir } };
      }
      case 'import': {
        const screenDir = need(state.screenDir, 'screenDir');
        const result = await this.deps.screens.importScreen({ name: `pipeline-${request.images}`, manifest: path.join(screenDir, 'manifest.csv') }, { reach: 'anywhere' });
        return { rows: result.imported, state: { screenId: result.screen.id } };
      }
      case 'embed': {
        const runId = need(state.runId, 'runId');
        // the untrained baseline: an encoder checkpoint without hours of training
        await this.deps.training.train(runId, { jobId: 'bench-pipeline', signal, logger: context.logger });
        if (request.embedding === 'synthetic') {
          const { images } = await this.deps.synthetic.ingest(runId, need(state.screenId, 'screenId'), { dim: request.dim, seed: request.seed });
          return { rows: images, details: { profilesIncluded: false } };
        }
        const outcome = await this.deps.embeddings.embedRun(runId, { signal, logger: context.logger });
        if (outcome.status !== 'succeeded') throw new Error(`the embed stage was skipped for run ${runId}`);
        return { rows: outcome.images, details: { profilesIncluded: true, profiles: outcome.profiles, tiles: outcome.tiles, runtime: outcome.runtime ?? 'unknown' } };
      }
      case 'profiles':
        return { rows: await this.deps.profiles.rebuild(need(state.runId, 'runId')) };
      case 'index': {
        const runId = need(state.runId, 'runId');
        const images = await this.deps.neighbours.index(runId, 'images', 'cosine');
        const profiles = await this.deps.neighbours.index(runId, 'profiles-none', 'cosine');
        return { rows: images.index.count + profiles.index.count, details: { imageVectors: images.index.count, profileVectors: profiles.index.count, projectedBytesPerVector: images.index.internals.projection.outputDimensions * 4 } };
      }
      case 'nearestCompounds':
      case 'nearestImages':
        return this.query(stage, request, need(state.runId, 'runId'));
      default: {
        const tasks = stage === 'evaluate' ? [...TASK_NAMES] : [stage.slice('evaluate:'.length) as TaskName];
        const outcome = await this.deps.evaluations.evaluateRun(need(state.runId, 'runId'), { tasks }, { signal, logger: context.logger });
        if (outcome.status !== 'succeeded') throw new Error(`evaluation skipped: ${outcome.reason}`);
        // where the job's time went: reading the cell lines, and each task (summed over worker threads)
        const split = Object.fromEntries(Object.entries(outcome.seconds).map(([part, seconds]) => [`${part}Seconds`, Math.round(seconds * 1000) / 1000]));
        return { rows: outcome.rows, details: { cellLines: outcome.cellLines, ...(stage === 'evaluate' ? split : {}) } };
      }
    }
  }

  /** The cold query (the index read from the data dir) is the stage's time; warm ones are timed apart. */
  private async query(stage: 'nearestCompounds' | 'nearestImages', request: PipelineBenchRequest, runId: string): Promise<StageOutcome> {
    const preset = benchPreset(request);
    let ask: (i: number) => Promise<unknown[]>;
    if (stage === 'nearestCompounds') {
      ask = (i) =>
        this.deps.neighbours.nearestCompounds({ run: runId, compound: preset.compounds[i % preset.compounds.length], cellLine: preset.cellLines[0], k: K, metric: 'cosine', normalization: 'none' });
    } else {
      const ids = await this.deps.embeddingRows.imageIds(runId, WARM_QUERIES + 1);
      ask = (i) => this.deps.neighbours.nearestImages({ run: runId, image: String(ids[i % ids.length]), k: K, metric: 'cosine' });
    }
    const rows = (await ask(0)).length;
    const latencies: number[] = [];
    for (let i = 1; i <= WARM_QUERIES; i += 1) {
      const started = performance.now();
      await ask(i);
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);
    return { rows, details: { warmQueries: WARM_QUERIES, warmMedianMs: round3(latencies[latencies.length >> 1]), warmMaxMs: round3(latencies[latencies.length - 1]) } };
  }
}

/**
 * The design's screen with as many sites per well as N images need (the last are cut off). The
 * study's design spreads 770k images over 21 cell lines (about 37k each), where the demo's puts
 * 128k in each of its 6: what a task holds per cell line differs by that factor.
 */
export function benchPreset(request: Pick<PipelineBenchRequest, 'images' | 'imageSize' | 'design'>): ScreenPreset {
  const design = request.design === 'study' ? largePreset() : DEMO_PRESET;
  const perSite = imageCount({ ...design, sitesPerWell: 1 });
  return { ...design, name: 'pipeline', sitesPerWell: Math.ceil(request.images / perSite), imageSize: request.imageSize };
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`an earlier stage did not provide ${what}`);
  return value;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
