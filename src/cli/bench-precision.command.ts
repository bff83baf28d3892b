import type { Command } from 'commander';
import { openDatabase } from '../db/database';
import { EmbeddingRepository } from '../db/repositories/embedding.repository';
import { RunRepository } from '../db/repositories/run.repository';
import { comparePrecisions } from '../evaluation/precision.benchmark';
import { createLogger } from '../logger';
import { configFrom, withConfigOptions, type ConfigFlags } from './config-options';
import { printJsonLine } from './json-lines';
import { UsageError } from './usage-error';
import { integerFlag } from './bench-ingest.command';

interface BenchPrecisionFlags extends ConfigFlags {
  run?: string;
  nullSize: string;
}

/**
 * `morphospace bench precision --run ID`: every metric of the run's evaluation on its embeddings
 * as stored and rounded to float16 (what `--vector-precision float16` stores), one line per
 * metric with the largest absolute difference, beside the difference between two float32
 * evaluations; then a summary line. Nothing is stored.
 */
export function registerBenchPrecisionCommand(bench: Command): void {
  withConfigOptions(bench.command('precision').description("Effect of float16 embedding storage on every metric of a run's evaluation"))
    .option('--run <id>', 'an embedded run (its embeddings stored in float32)')
    .option('--null-size <n>', 'mAP null size', '10000')
    .action(async (flags: BenchPrecisionFlags) => {
      if (!flags.run || !/^[0-9a-f-]{36}$/i.test(flags.run)) throw new UsageError(`--run must be a run id, got "${flags.run ?? ''}"`);
      const runId = flags.run;
      const nullSize = integerFlag('--null-size', flags.nullSize, 100, 1_000_000);
      const config = configFrom({ ...flags, logLevel: flags.logLevel ?? 'warn' });
      const logger = createLogger(config.logLevel);
      const database = await openDatabase(config, logger, { migrate: true });
      try {
        const embeddings = new EmbeddingRepository(database.dataSource);
        const set = await embeddings.set(runId);
        if (!set || set.status !== 'complete') throw new UsageError(`run ${runId} has no complete embeddings`);
        const stored = set.settings.precision ?? 'float32';
        if (stored !== 'float32') throw new UsageError(`run ${runId} is stored in ${String(stored)}: the comparison needs float32 embeddings`);
        const started = performance.now();
        const comparison = await comparePrecisions(database.dataSource, new RunRepository(database.dataSource), embeddings, runId, { nullSize }, logger);
        for (const metric of comparison.metrics) printJsonLine({ bench: 'precision', run: runId, ...metric });
        const worst = comparison.metrics.reduce((a, b) => (b.maxAbsDifference > a.maxAbsDifference ? b : a));
        printJsonLine({
          bench: 'precision',
          run: runId,
          summary: true,
          images: comparison.images,
          metrics: comparison.metrics.length,
          maxAbsDifference: worst.maxAbsDifference,
          worstMetric: `${worst.task}/${worst.metric}`,
          repeatMaxAbsDifference: Math.max(...comparison.metrics.map((metric) => metric.repeatMaxAbsDifference)),
          mismatches: comparison.mismatches,
          seconds: Math.round((performance.now() - started) / 100) / 10,
        });
      } finally {
        await database.close();
      }
    });
}
