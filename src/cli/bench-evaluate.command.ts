import type { Command } from 'commander';
import { openDatabase } from '../db/database';
import { benchmarkEvaluation } from '../evaluation/evaluation.benchmark';
import { benchmarkSamplingError } from '../evaluation/sampling-error.benchmark';
import { createLogger } from '../logger';
import { createServices } from '../services';
import { configFrom, withConfigOptions, type ConfigFlags } from './config-options';
import { printJsonLine } from './json-lines';
import { UsageError } from './usage-error';

export interface BenchEvaluateOptions {
  images: number;
  cellLines: number;
  dim: number;
  nullSize: number;
  seed: number;
  /** no sampling on large cell lines */
  exact: boolean;
  sampleSeed: number;
  /** evaluate-error: sampling seeds compared with the exact run */
  seeds: number;
  /** evaluate this stored run (all tasks, stored) instead of synthetic embeddings */
  run?: string;
}

export function parseBenchEvaluateOptions(raw: Record<string, unknown>): BenchEvaluateOptions {
  const integer = (flag: string, value: unknown, fallback: number, min: number, max: number): number => {
    const n = value === undefined ? fallback : Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${flag} must be an integer from ${min} to ${max}, got "${String(value)}"`);
    return n;
  };
  const run = raw.run === undefined ? undefined : String(raw.run);
  if (run !== undefined && !/^[0-9a-f-]{36}$/i.test(run)) throw new UsageError(`--run must be a run id, got "${run}"`);
  return {
    images: integer('images', raw.images, 3000, 10, 1_000_000),
    cellLines: integer('cell-lines', raw.cellLines, 10, 1, 1000),
    dim: integer('dim', raw.dim, 2048, 2, 65536),
    nullSize: integer('null-size', raw.nullSize, 10000, 100, 1_000_000),
    seed: integer('seed', raw.seed, 1, 0, 2 ** 31 - 1),
    exact: raw.exact === true,
    sampleSeed: integer('sample-seed', raw.sampleSeed, 0, 0, 2 ** 31 - 1),
    seeds: integer('seeds', raw.seeds, 5, 1, 100),
    run,
  };
}

/**
 * `morphospace bench evaluate`: the whole evaluation of one run (similarity, classification,
 * clustering sweep, activity and consistency mAP) on synthetic embeddings the size of the
 * demo screen, one JSON line with "seconds" per stage and in total. With --run, a stored
 * run's embeddings are evaluated and stored instead, as the run.evaluate job does.
 */
export function registerBenchEvaluateCommand(bench: Command): void {
  withConfigOptions(bench.command('evaluate').description('Evaluation time of one run (all tasks and mAP) on demo-size synthetic embeddings, or on a stored run with --run'))
    .option('--images <n>', 'synthetic images', '3000')
    .option('--cell-lines <n>', 'synthetic cell lines', '10')
    .option('--dim <n>', 'embedding dimensions', '2048')
    .option('--null-size <n>', 'mAP null size', '10000')
    .option('--seed <n>', 'synthetic data seed', '1')
    .option('--exact', 'no sampling: every image pair, UMAP and PCA on every image')
    .option('--sample-seed <n>', 'seed of the samples large cell lines are evaluated on', '0')
    .option('--run <id>', 'evaluate this stored run (its results are stored, as by the run.evaluate job)')
    .action(async (raw: Record<string, unknown> & ConfigFlags) => {
      const options = parseBenchEvaluateOptions(raw);
      if (!options.run) {
        printJsonLine(benchmarkEvaluation({ images: options.images, cellLines: options.cellLines, dim: options.dim, nullSize: options.nullSize, seed: options.seed, exact: options.exact, sampleSeed: options.sampleSeed }));
        return;
      }
      const config = configFrom(raw);
      const logger = createLogger(config.logLevel);
      const database = await openDatabase(config, logger, { migrate: true });
      try {
        const services = createServices(config, database);
        const outcome = await services.evaluations.evaluateRun(options.run, { nullSize: options.nullSize, exact: options.exact, sampleSeed: options.sampleSeed }, { logger, signal: new AbortController().signal });
        if (outcome.status !== 'succeeded') throw new UsageError(`run ${options.run} cannot be evaluated: ${outcome.reason}`);
        printJsonLine({ bench: 'evaluate', run: options.run, images: outcome.images, cellLines: outcome.cellLines, rows: outcome.rows, nullSize: options.nullSize, exact: options.exact, sampleSeed: options.sampleSeed, seconds: outcome.seconds });
      } finally {
        await database.close();
      }
    });
  bench
    .command('evaluate-error')
    .description('How far sampled evaluation moves every metric: a synthetic run evaluated exactly and with --seeds sampling seeds')
    .option('--images <n>', 'synthetic images', '30000')
    .option('--cell-lines <n>', 'synthetic cell lines', '6')
    .option('--dim <n>', 'embedding dimensions', '2048')
    .option('--null-size <n>', 'mAP null size', '10000')
    .option('--seed <n>', 'synthetic data seed', '1')
    .option('--seeds <n>', 'sampling seeds (0 .. n - 1)', '5')
    .action((raw: Record<string, unknown>) => {
      const options = parseBenchEvaluateOptions(raw);
      for (const line of benchmarkSamplingError({ images: options.images, cellLines: options.cellLines, dim: options.dim, nullSize: options.nullSize, seed: options.seed, seeds: options.seeds })) printJsonLine(line);
    });
}
