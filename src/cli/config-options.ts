import type { Command } from 'commander';
import { configFromEnvironment, type Config, type ConfigOverrides } from '../config';

/** The flags every command that talks to the database accepts; they win over the environment. */
export function withConfigOptions(command: Command): Command {
  return command
    .option('--database-url <url>', 'external PostgreSQL (default: DATABASE_URL, else the embedded server)')
    .option('--data-dir <dir>', 'data directory (default: MORPHOSPACE_DATA_DIR or ./.morphospace)')
    .option('--store-dir <dir>', 'shared store for screens, checkpoints and ONNX encoders, the same path on every host (default: MORPHOSPACE_STORE_DIR or the data dir)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (default: LOG_LEVEL or info)');
}

/** The flag of commands that write embeddings: workers, `start` (for its workers) and the benches. */
export const VECTOR_PRECISION_FLAG = '--vector-precision <precision>';
export const VECTOR_PRECISION_HELP = 'embeddings stored as float32 or float16 (half the bytes; read back as float32) (default: MORPHOSPACE_VECTOR_PRECISION or float32)';

/** The config flags a command may have been given. */
export type ConfigFlags = ConfigOverrides;

export function configFrom(options: ConfigFlags): Config {
  return configFromEnvironment(options);
}
