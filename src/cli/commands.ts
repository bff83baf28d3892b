import type { Command } from 'commander';
import { registerBenchCommand } from './bench.command';
import { registerGenerateCommand } from './generate.command';
import { registerImportCommand } from './import.command';
import { registerKeysCommand } from './keys.command';
import { registerMigrateCommand } from './migrate.command';
import { registerSchemaCommand } from './schema.command';
import { registerServeCommands, registerWorkerCommand } from './serve.command';
import { registerSweepCommand } from './sweep.command';
import { registerReportCommand } from './report.command';
import { registerExportModelCommand } from './export-model.command';
import { registerExportCommand } from './export.command';

/** Every `morphospace` subcommand, each defined in its own *.command.ts file. */
export function registerCommands(program: Command): void {
  registerServeCommands(program);
  registerWorkerCommand(program);
  registerMigrateCommand(program);
  registerKeysCommand(program);
  registerSchemaCommand(program);
  registerGenerateCommand(program);
  registerImportCommand(program);
  registerSweepCommand(program);
  registerBenchCommand(program);
  registerReportCommand(program);
  registerExportModelCommand(program);
  registerExportCommand(program);
}
