import { fork } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { createScratchDatabase, type ScratchDatabase } from '../db/repositories/scratch-database.repository';
import { PIPELINE_DESIGNS, PIPELINE_STAGES, stagesToRun, type EmbeddingMode, type PipelineDesign, type PipelineBenchRequest, type PipelineBenchState, type PipelineStage } from '../reports/pipeline-bench.service';
import { openRuntime, type Runtime } from '../runtime';
import { REPRESENTATION_DIM } from '../training/networks/encoder';
import { integerFlag } from './bench-ingest.command';
import type { StageReply, StageRequest } from './bench-pipeline.stage';
import { configFrom, withConfigOptions, type ConfigFlags } from './config-options';
import { printJsonLine } from './json-lines';
import { UsageError } from './usage-error';

interface BenchPipelineFlags extends ConfigFlags {
  images?: string;
  dim: string;
  seed: string;
  imageSize: string;
  embedding?: string;
  design: string;
  stages?: string;
  stageTimeout: string;
  keep?: boolean;
}

export interface BenchPipelineOptions extends PipelineBenchRequest {
  stageTimeoutSeconds: number;
  /** the stages asked for; the stages they need run too */
  stages: PipelineStage[];
}

/** Above this many images the default embedding is synthetic: the encoder over 100k images takes most of an hour here. */
export const REAL_EMBEDDING_LIMIT = 30_000;

export function parseBenchPipelineOptions(flags: BenchPipelineFlags): BenchPipelineOptions {
  if (flags.images === undefined) throw new UsageError('--images is required');
  const images = integerFlag('--images', flags.images, 100, 1_000_000);
  const embedding = flags.embedding ?? (images <= REAL_EMBEDDING_LIMIT ? 'real' : 'synthetic');
  if (embedding !== 'real' && embedding !== 'synthetic') throw new UsageError(`--embedding must be real or synthetic, got "${embedding}"`);
  if (!(PIPELINE_DESIGNS as readonly string[]).includes(flags.design)) throw new UsageError(`--design must be one of ${PIPELINE_DESIGNS.join(', ')}, got "${flags.design}"`);
  const stages = flags.stages === undefined ? [...PIPELINE_STAGES] : flags.stages.split(',').map((stage) => stage.trim());
  const unknown = stages.filter((stage) => !(PIPELINE_STAGES as readonly string[]).includes(stage));
  if (unknown.length > 0 || stages.length === 0) throw new UsageError(`--stages takes a comma-separated list of ${PIPELINE_STAGES.join(', ')}; got "${flags.stages}"`);
  const dim = integerFlag('--dim', flags.dim, 2, 65_536);
  if (embedding === 'real' && dim !== REPRESENTATION_DIM) throw new UsageError(`--dim is the encoder's ${REPRESENTATION_DIM} with real embeddings; other widths need --embedding synthetic`);
  return {
    images,
    dim,
    seed: integerFlag('--seed', flags.seed, 0, 2 ** 31 - 1),
    imageSize: integerFlag('--image-size', flags.imageSize, 32, 1024),
    embedding: embedding as EmbeddingMode,
    design: flags.design as PipelineDesign,
    stageTimeoutSeconds: integerFlag('--stage-timeout', flags.stageTimeout, 1, 86_400),
    stages: stages as PipelineStage[],
  };
}

/**
 * `morphospace bench pipeline`: the whole pipeline on a fresh N-image screen, one JSON line
 * per stage with its time, its process's peak RSS and the rows it wrote or returned. Each stage
 * runs in a process of its own against a scratch database (a fresh one on the configured
 * server, else the embedded server in a temporary data dir); a stage that outlives
 * --stage-timeout is killed and reported as timedOut, and the stages after it that need it
 * are not run.
 */
export function registerBenchPipelineCommand(bench: Command): void {
  withConfigOptions(bench.command('pipeline').description('Time and peak memory of every pipeline stage on an N-image screen, each stage in its own process'))
    .requiredOption('--images <n>', 'images in the generated screen (100 to 1,000,000)')
    .option('--dim <d>', `synthetic embeddings' width (real ones are ${REPRESENTATION_DIM})`, String(REPRESENTATION_DIM))
    .option('--seed <n>', 'screen and synthetic-embedding seed', '1')
    .option('--image-size <px>', 'generated image side', '64')
    .option('--embedding <mode>', `real (the untrained encoder over every image) or synthetic (clustered vectors written by the embed job's path); default real up to ${REAL_EMBEDDING_LIMIT} images`)
    .option('--design <name>', `the screen's design, scaled to N by its sites per well: demo (6 cell lines) or study (the reference study's 21 cell lines and 31 drugs)`, 'demo')
    .option('--stages <list>', 'comma-separated stages to run (the stages they need run too); default: every stage')
    .option('--stage-timeout <s>', 'seconds a stage may take before it is killed', '3600')
    .option('--keep', 'keep the scratch database and data dir, and print where they are (to evaluate the run again with `bench evaluate --run`)')
    .action(async (flags: BenchPipelineFlags) => {
      const options = parseBenchPipelineOptions(flags);
      const keep = flags.keep === true;
      const validated = configFrom({ ...flags, defaultLogLevel: 'warn' });
      const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-bench-pipeline-'));
      let scratch: ScratchDatabase | undefined;
      let runtime: Runtime | undefined;
      try {
        scratch = validated.databaseUrl === undefined ? undefined : await createScratchDatabase(validated.databaseUrl, 'bench_pipeline');
        runtime = await openRuntime(configFrom({ ...flags, dataDir, databaseUrl: scratch?.url, defaultLogLevel: 'warn' }));
        const { failed, state } = await runStages(runtime, options, { dataDir, database: scratch ? 'external' : 'embedded' });
        if (failed) process.exitCode = 1;
        if (keep) printJsonLine({ bench: 'pipeline', kept: { dataDir, databaseUrl: scratch?.url ?? null, runId: state.runId ?? null } });
      } finally {
        await runtime?.close();
        if (!keep) {
          await scratch?.drop();
          await fs.rm(dataDir, { recursive: true, force: true });
        }
      }
    });
}

async function runStages(runtime: Runtime, options: BenchPipelineOptions, where: { dataDir: string; database: string }): Promise<{ failed: boolean; state: PipelineBenchState }> {
  const { stageTimeoutSeconds, stages, ...request } = options;
  let state: PipelineBenchState = {};
  let failed = false;
  for (const stage of stagesToRun(stages)) {
    const line = { bench: 'pipeline', stage, images: request.images, dim: request.dim, embedding: request.embedding, design: request.design, database: where.database };
    const reply = await inChildProcess(
      { stage, request, state, databaseUrl: runtime.database.url, dataDir: where.dataDir, logLevel: runtime.config.logLevel },
      stageTimeoutSeconds,
    );
    if (reply.ok) {
      printJsonLine({ ...line, seconds: round(reply.seconds), cpuSeconds: round(reply.cpuSeconds), peakRssBytes: reply.peakRssBytes, rows: reply.outcome.rows, ...reply.outcome.details });
      state = { ...state, ...reply.outcome.state };
      if (stage === 'import') state.runId = await untrainedRun(runtime, state.screenId!);
      continue;
    }
    failed = true;
    printJsonLine({ ...line, ...(reply.timedOut ? { timedOut: true, seconds: stageTimeoutSeconds } : { error: reply.error }) });
    // evaluation tasks and queries do not feed each other: the rest still run after one of them fails
    if (isPrerequisite(stage)) return { failed, state };
  }
  return { failed, state };
}

function isPrerequisite(stage: PipelineStage): boolean {
  return ['generate', 'import', 'embed', 'profiles', 'index'].includes(stage);
}

/** The baseline/untrained run of a sweep on the screen: embedding it needs an encoder, not training. */
async function untrainedRun(runtime: Runtime, screenId: string): Promise<string> {
  const { runs } = await runtime.services.sweeps.create({ screen: screenId, setups: ['weakly-supervised/one-crop'], profile: 'quick' });
  const run = runs.find((candidate) => candidate.setup?.baseline === 'untrained');
  if (!run) throw new Error('the sweep has no baseline/untrained run');
  return run.id;
}

type ChildReply = StageReply | { ok: false; timedOut: true; error: string };

function inChildProcess(message: StageRequest, timeoutSeconds: number): Promise<ChildReply & { timedOut?: boolean }> {
  return new Promise((resolve) => {
    const child = fork(path.join(__dirname, 'bench-pipeline.stage.js'), [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let settled = false;
    const settle = (reply: ChildReply) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(reply);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle({ ok: false, timedOut: true, error: `timed out after ${timeoutSeconds} s` });
    }, timeoutSeconds * 1000);
    child.once('message', (reply: StageReply) => settle(reply));
    child.once('exit', (code, signal) => settle({ ok: false, error: `stage process exited (${signal ?? `code ${code}`}) without an answer` }));
    child.send(message);
  });
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
