import type { Command } from 'commander';
import { registerBenchCropsCommand } from './bench-crops.command';
import { registerBenchTrainCommand } from './bench-train.command';
import { registerBenchEvaluateCommand } from './bench-evaluate.command';
import { registerBenchIngestCommand } from './bench-ingest.command';
import { registerBenchEmbedCommand } from './bench-embed.command';
import { registerBenchSearchCommand } from './bench-search.command';
import { registerBenchLoadCommand } from './bench-load.command';
import { registerBenchScienceCommand } from './bench-science.command';
import { registerBenchPrecisionCommand } from './bench-precision.command';
import { registerBenchPipelineCommand } from './bench-pipeline.command';

/**
 * `morphospace bench <name>`: each benchmark prints one JSON object per line
 * (see ARCHITECTURE.md, "Contracts"). Each benchmark registers itself here.
 */
export function registerBenchCommand(program: Command): void {
  const bench = program.command('bench').description('Run a benchmark; prints one JSON object per line');
  registerBenchCropsCommand(bench);
  registerBenchTrainCommand(bench);
  registerBenchEvaluateCommand(bench);
  registerBenchIngestCommand(bench);
  registerBenchEmbedCommand(bench);
  registerBenchSearchCommand(bench);
  registerBenchLoadCommand(bench);
  registerBenchScienceCommand(bench);
  registerBenchPrecisionCommand(bench);
  registerBenchPipelineCommand(bench);
}
