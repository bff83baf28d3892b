import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { createScratchDatabase, type ScratchDatabase } from '../db/repositories/scratch-database.repository';
import { PRESET_NAMES, isPresetName, type PresetName } from '../data/synthetic/screen.presets';
import { openRuntime } from '../runtime';
import type { ScienceBenchResult } from '../reports/science-bench.service';
import { TRAINING_PROFILES, trainingConfig, type TrainingConfig } from '../training/training-profiles';
import { configFrom, withConfigOptions, type ConfigFlags } from './config-options';
import { printJsonLine } from './json-lines';
import { trainingOverridesFrom, withTrainingOverrideOptions, type TrainingOverrideFlags } from './training-overrides';
import { UsageError } from './usage-error';
import { threadsPerWorker, WorkerPool } from './worker-pool';

export interface BenchScienceOptions {
  preset: PresetName;
  seed: number;
  profile: string;
  setups?: string[];
  overrides: Partial<TrainingConfig>;
}

type BenchScienceFlags = ConfigFlags & Omit<TrainingOverrideFlags, 'seed'> & { preset?: string; seed?: string; profile?: string; setups?: string };

export function parseBenchScienceOptions(raw: BenchScienceFlags): BenchScienceOptions {
  const preset = String(raw.preset ?? '');
  if (!isPresetName(preset)) throw new UsageError(`--preset must be one of ${PRESET_NAMES.join(', ')}, got "${preset}"`);
  const seedText = String(raw.seed ?? '').trim();
  const seed = Number(seedText);
  if (!/^\d+$/.test(seedText) || !Number.isSafeInteger(seed) || seed > 2 ** 32 - 1) throw new UsageError(`--seed must be an integer from 0 to ${2 ** 32 - 1}, got "${seedText}"`);
  const profile = String(raw.profile ?? 'quick');
  if (!(profile in TRAINING_PROFILES)) throw new UsageError(`--profile must be one of ${Object.keys(TRAINING_PROFILES).join(', ')}, got "${profile}"`);
  const setups = raw.setups === undefined || raw.setups === 'all' ? undefined : raw.setups.split(',').map((name) => name.trim());
  if (setups?.some((name) => name === '')) throw new UsageError(`--setups must be all or comma-separated setup names, got "${raw.setups}"`);
  // the screen's seed is not the training seed: the profile's stays
  const overrides = trainingOverridesFrom({ ...raw, seed: undefined });
  try {
    trainingConfig(profile, overrides);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  return { preset, seed, profile, setups, overrides };
}

/**
 * `morphospace bench science`: does a sweep learn the biology of a synthetic screen? The
 * preset's screen with that seed, in a fresh data dir and database, swept through the real
 * pipeline by worker processes as `start` runs them; one JSON line per setup and baseline with
 * its headline figures (medians over cell lines), then a summary line with the sweep's time.
 */
export function registerBenchScienceCommand(bench: Command): void {
  const command = withConfigOptions(bench.command('science').description('Headline figures of a sweep on a fresh synthetic screen, per setup and baseline'))
    .requiredOption('--preset <name>', `screen preset: ${PRESET_NAMES.join(' | ')}`)
    .requiredOption('--seed <n>', 'the screen\'s generation seed')
    .option('--profile <name>', `training profile: ${Object.keys(TRAINING_PROFILES).join(' | ')}`, 'quick')
    .option('--setups <list>', 'all, or comma-separated setup names like weakly-supervised/one-crop', 'all')
    .option('--workers <n>', 'worker processes (default: MORPHOSPACE_WORKERS or one per core)')
    .option('--threads <n>', 'wasm threads per worker (default: the cores shared out among the workers)');
  withTrainingOverrideOptions(command, { seed: false }).action(async (raw: BenchScienceFlags) => {
    const options = parseBenchScienceOptions(raw);
    const { result, failed } = await runBenchScience(raw, options);
    for (const row of result.figures) {
      printJsonLine({ bench: 'science', preset: options.preset, seed: options.seed, profile: options.profile, ...row, trainWallSeconds: round(row.trainWallSeconds), trainCpuSeconds: round(row.trainCpuSeconds) });
    }
    printJsonLine({
      bench: 'science',
      preset: options.preset,
      seed: options.seed,
      profile: options.profile,
      summary: true,
      runs: result.figures.length,
      failed: result.failed,
      generateSeconds: round(result.generateSeconds),
      seconds: round(result.sweepSeconds),
    });
    if (failed) process.exitCode = 1;
  });
}

async function runBenchScience(flags: BenchScienceFlags, options: BenchScienceOptions): Promise<{ result: ScienceBenchResult; failed: boolean }> {
  // bad flags or environment end here, before a data dir or a database is made
  const validated = configFrom({ ...flags, defaultLogLevel: 'warn' });
  const ownDataDir = flags.dataDir === undefined ? await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-bench-science-')) : undefined;
  let scratch: ScratchDatabase | undefined;
  try {
    // an external server gets a database of the bench's own, dropped after it
    scratch = validated.databaseUrl === undefined ? undefined : await createScratchDatabase(validated.databaseUrl, 'bench_science');
    const config = configFrom({ ...flags, dataDir: ownDataDir ?? validated.dataDir, databaseUrl: scratch?.url, defaultLogLevel: 'warn' });
    const runtime = await openRuntime(config);
    const workers = config.start.workers;
    const pool = new WorkerPool(config, runtime.database.url, { workers, threads: threadsPerWorker(config.training.threads, workers), concurrency: 1 }, runtime.logger);
    try {
      pool.start();
      const result = await runtime.services.scienceBench.run(
        { preset: options.preset, seed: options.seed, profile: options.profile, setups: options.setups, overrides: options.overrides },
        { print: (line) => process.stderr.write(`bench science: ${line}\n`) },
      );
      return { result, failed: result.failed.length > 0 };
    } finally {
      await pool.stop();
      await runtime.close();
    }
  } finally {
    await scratch?.drop();
    if (ownDataDir) await fs.rm(ownDataDir, { recursive: true, force: true });
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}
