import type { Command } from 'commander';
import { registerBenchCommand } from './bench.command';

/** Every `morphospace` subcommand, each defined in its own *.command.ts file. */
export function registerCommands(program: Command): void {
  registerBenchCommand(program);
}
