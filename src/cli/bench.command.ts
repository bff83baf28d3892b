import type { Command } from 'commander';
import { registerBenchCropsCommand } from './bench-crops.command';
import { registerBenchTrainCommand } from './bench-train.command';
import { registerBenchIngestCommand } from './bench-ingest.command';

/**
 * `morphospace bench <name>`: each benchmark prints one JSON object per line
 * (see ARCHITECTURE.md, "Contracts"). Each benchmark registers itself here.
 */
export function registerBenchCommand(program: Command): void {
  const bench = program.command('bench').description('Run a benchmark; prints one JSON object per line');
  registerBenchCropsCommand(bench);
  registerBenchTrainCommand(bench);
  registerBenchIngestCommand(bench);
}
