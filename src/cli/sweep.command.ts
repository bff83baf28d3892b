import type { Command } from 'commander';
import { MultiBar, type SingleBar } from 'cli-progress';
import type { RunEntity } from '../db/entities/run.entity';
import { openRuntime, type Runtime } from '../runtime';
import { configFrom, withConfigOptions, type ConfigFlags } from './config-options';
import { printJsonLine } from './json-lines';
import { trainingOverridesFrom, withTrainingOverrideOptions, type TrainingOverrideFlags } from './training-overrides';
import { UsageError } from './usage-error';

interface SweepOptions extends ConfigFlags, TrainingOverrideFlags {
  screen: string;
  setups: string;
  profile: string;
  replicates: string;
  follow?: boolean;
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);
const POLL_MS = 1000;

export function registerSweepCommand(program: Command): void {
  const command = withConfigOptions(program.command('sweep').description('Create one run per setup and replicate on a screen, plus the baselines, and queue them (a worker or `start` runs them)'))
    .requiredOption('--screen <name>', 'screen name or id')
    .option('--setups <list>', 'all, or comma-separated setup names like weakly-supervised/one-crop', 'all')
    .option('--profile <name>', 'quick, standard or paper', 'quick');
  withTrainingOverrideOptions(command, { seed: true })
    .option('--replicates <n>', 'seeds per learned setup (seed, seed + 1, ...), 1 to 10; baseline/untrained gets as many', '1')
    .option('--follow', 'show a progress bar per run until all finish; exit 1 if any fails')
    .action(async (options: SweepOptions) => {
      const replicates = integer('--replicates', options.replicates);
      const runtime = await openRuntime(configFrom(options));
      try {
        const setups = options.setups === 'all' ? undefined : options.setups.split(',').map((name) => name.trim());
        const { sweep, runs } = await runtime.services.sweeps.create({ screen: options.screen, setups, profile: options.profile, overrides: trainingOverridesFrom(options), replicates });
        printJsonLine({ sweep: sweep.id, profile: sweep.profile, config: sweep.config, replicates: sweep.replicates, runs: runs.map((run) => run.id) });
        if (options.follow && !(await follow(runtime, sweep.id))) process.exitCode = 1;
      } finally {
        await runtime.close();
      }
    });
}

function integer(flag: string, text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`${flag} must be a whole number, got "${text}"`);
  return Number(text);
}

/** Polls the sweep's runs and draws a bar each; resolves whether every run succeeded. */
async function follow(runtime: Runtime, sweepId: string): Promise<boolean> {
  const bars = new MultiBar({ stream: process.stderr, format: '{setup} [{bar}] {percentage}% {status}', hideCursor: true, noTTYOutput: true, notTTYSchedule: 10_000 });
  const byRun = new Map<string, SingleBar>();
  try {
    for (;;) {
      const runs = (await runtime.services.runs.list({ first: 100 }, { sweep: sweepId })).items;
      for (const run of runs) {
        const bar = byRun.get(run.id) ?? bars.create(100, 0, { setup: run.setup!.name.padEnd(34), status: run.status });
        byRun.set(run.id, bar);
        bar.update(Math.round(fractionOf(run) * 100), { status: run.status });
      }
      if (runs.every((run) => TERMINAL.has(run.status))) return runs.every((run) => run.status === 'succeeded');
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    bars.stop();
  }
}

function fractionOf(run: RunEntity): number {
  if (run.status === 'succeeded') return 1;
  return typeof run.progress?.fraction === 'number' ? run.progress.fraction : 0;
}
