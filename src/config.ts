import path from 'node:path';

/** A configuration value that cannot be used: the process stops with exit code 2 naming the variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ApiLimits {
  /** deepest selection set a query may nest */
  maxDepth: number;
  /** estimated cost: every field 1, list fields multiplied by their page size */
  maxCost: number;
  /** largest `first` a connection accepts */
  maxPageSize: number;
  /** request body limit in bytes */
  maxBodyBytes: number;
}

export const BACKEND_CHOICES = ['auto', 'tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export interface TrainingSettings {
  /** tfjs backend; auto = tensorflow-gpu > tensorflow > webgpu > wasm > cpu, the first that loads */
  backend: BackendChoice;
  /** wasm threads per worker process; undefined = one per core */
  threads: number | undefined;
}

/** The pipeline every worker runs, and the heartbeat that hands a dead worker's jobs back. */
export interface PipelineSettings {
  /** seconds between two passes that queue each run's missing next step */
  intervalSeconds: number;
  /** seconds between two heartbeats of a worker process */
  heartbeatSeconds: number;
  /** a worker silent this long is dead: its jobs go back to the queue; above the longest a step blocks the event loop */
  staleAfterSeconds: number;
}

export interface Config {
  /** external PostgreSQL; undefined starts the embedded server in the data dir */
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  host: string;
  adminKey: string | undefined;
  logLevel: LogLevel;
  /** queries need a reader key too (mutations always need writer) */
  requireReaderForQueries: boolean;
  limits: ApiLimits;
  training: TrainingSettings;
  pipeline: PipelineSettings;
}

/** Flags given on the command line win over the environment. */
export interface ConfigOverrides {
  databaseUrl?: string;
  dataDir?: string;
  port?: string | number;
  host?: string;
  logLevel?: string;
  requireReader?: boolean;
  backend?: string;
  threads?: string | number;
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env, overrides: ConfigOverrides = {}): Config {
  const databaseUrl = nonEmpty(overrides.databaseUrl ?? env.DATABASE_URL);
  if (databaseUrl !== undefined) validateDatabaseUrl(databaseUrl);
  return {
    databaseUrl,
    dataDir: path.resolve(nonEmpty(overrides.dataDir ?? env.MORPHOSPACE_DATA_DIR) ?? '.morphospace'),
    port: parsePort(overrides.port ?? env.PORT ?? '4000'),
    host: nonEmpty(overrides.host ?? env.HOST) ?? '127.0.0.1',
    adminKey: parseAdminKey(nonEmpty(env.MORPHOSPACE_ADMIN_KEY)),
    logLevel: parseLogLevel(nonEmpty(overrides.logLevel ?? env.LOG_LEVEL) ?? 'info'),
    requireReaderForQueries:
      overrides.requireReader ?? parseBoolean('MORPHOSPACE_REQUIRE_READER', env.MORPHOSPACE_REQUIRE_READER, false),
    limits: {
      maxDepth: parsePositiveInt('MORPHOSPACE_MAX_DEPTH', env.MORPHOSPACE_MAX_DEPTH, 12),
      maxCost: parsePositiveInt('MORPHOSPACE_MAX_COST', env.MORPHOSPACE_MAX_COST, 20_000),
      maxPageSize: parsePositiveInt('MORPHOSPACE_MAX_PAGE_SIZE', env.MORPHOSPACE_MAX_PAGE_SIZE, 100),
      maxBodyBytes: parsePositiveInt('MORPHOSPACE_MAX_BODY_BYTES', env.MORPHOSPACE_MAX_BODY_BYTES, 1_048_576),
    },
    training: {
      backend: parseBackend(nonEmpty(overrides.backend ?? env.MORPHOSPACE_BACKEND) ?? 'auto'),
      threads: nonEmpty(String(overrides.threads ?? env.MORPHOSPACE_THREADS ?? '')) === undefined ? undefined : parsePositiveInt('MORPHOSPACE_THREADS', String(overrides.threads ?? env.MORPHOSPACE_THREADS), 1),
    },
    pipeline: parsePipeline(env),
  };
}

function parsePipeline(env: Env): PipelineSettings {
  const settings = {
    intervalSeconds: parsePositiveInt('MORPHOSPACE_PIPELINE_INTERVAL_SECONDS', env.MORPHOSPACE_PIPELINE_INTERVAL_SECONDS, 60),
    heartbeatSeconds: parsePositiveInt('MORPHOSPACE_HEARTBEAT_SECONDS', env.MORPHOSPACE_HEARTBEAT_SECONDS, 5),
    staleAfterSeconds: parsePositiveInt('MORPHOSPACE_HEARTBEAT_TIMEOUT_SECONDS', env.MORPHOSPACE_HEARTBEAT_TIMEOUT_SECONDS, 30),
  };
  // a live worker must be able to beat at least twice before it is taken for dead
  if (settings.staleAfterSeconds < 2 * settings.heartbeatSeconds) {
    throw new ConfigError(`MORPHOSPACE_HEARTBEAT_TIMEOUT_SECONDS (${settings.staleAfterSeconds}) must be at least twice MORPHOSPACE_HEARTBEAT_SECONDS (${settings.heartbeatSeconds})`);
  }
  return settings;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function validateDatabaseUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`DATABASE_URL is not a URL: expected postgres://user@host:port/database`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ConfigError(`DATABASE_URL must start with postgres:// or postgresql://, got ${parsed.protocol}//`);
  }
}

function parsePort(value: string | number): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be an integer from 0 to 65535, got "${value}"`);
  }
  return port;
}

function parseAdminKey(value: string | undefined): string | undefined {
  if (value !== undefined && value.length < 16) {
    throw new ConfigError('MORPHOSPACE_ADMIN_KEY must be at least 16 characters long');
  }
  return value;
}

function parseLogLevel(value: string): LogLevel {
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${value}"`);
  }
  return value as LogLevel;
}

function parseBackend(value: string): BackendChoice {
  if (!(BACKEND_CHOICES as readonly string[]).includes(value)) {
    throw new ConfigError(`MORPHOSPACE_BACKEND must be one of ${BACKEND_CHOICES.join(', ')}, got "${value}"`);
  }
  return value as BackendChoice;
}

function parseBoolean(name: string, value: string | undefined, fallback: boolean): boolean {
  const text = nonEmpty(value)?.toLowerCase();
  if (text === undefined) return fallback;
  if (['1', 'true', 'yes'].includes(text)) return true;
  if (['0', 'false', 'no'].includes(text)) return false;
  throw new ConfigError(`${name} must be true or false, got "${value}"`);
}

function parsePositiveInt(name: string, value: string | undefined, fallback: number): number {
  const text = nonEmpty(value);
  if (text === undefined) return fallback;
  const number = Number(text);
  if (!Number.isInteger(number) || number <= 0) {
    throw new ConfigError(`${name} must be a positive integer, got "${value}"`);
  }
  return number;
}
