import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './cli/exit-codes';
import { UsageError } from './cli/usage-error';
import { ConfigError } from './config';
import { BadUserInputError, NotFoundError } from './errors/app-errors';
import { errorText } from './util/error-text';
import { systemErrorLine } from './util/system-error';
import { registerCommands } from './cli/commands';
import { InferenceUnavailableError } from './embedding/encoders/inference-unavailable.error';
import { TrainingRuntimeUnavailableError } from './training/onnx/training-runtime-unavailable.error';

export function buildProgram(): Command {
  const program = new Command('morphospace')
    .description('Train, compare and serve learned representations of cell-microscopy screens')
    .exitOverride()
    .showHelpAfterError();
  registerCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    if (process.exitCode === undefined) process.exitCode = EXIT_OK;
  } catch (error) {
    process.exitCode = exitCodeFor(error);
  }
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander has printed its own message; help and version exit 0
    return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (error instanceof UsageError || error instanceof ConfigError || error instanceof BadUserInputError || error instanceof NotFoundError || error instanceof InferenceUnavailableError || error instanceof TrainingRuntimeUnavailableError) {
    process.stderr.write(`morphospace: ${error.message}\n`);
    return EXIT_USAGE;
  }
  process.stderr.write(`morphospace: ${systemErrorLine(error) ?? errorText(error)}\n`);
  return EXIT_FAILURE;
}
