import os from 'node:os';
import path from 'node:path';
import { VECTOR_PRECISIONS, type VectorPrecision } from './embedding/vector-codec';

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

export const INFERENCE_CHOICES = ['auto', 'onnx', 'wasm'] as const;
export type InferenceSetting = (typeof INFERENCE_CHOICES)[number];

export const TRAINING_RUNTIME_CHOICES = ['auto', 'onnx', 'wasm'] as const;
export type TrainingRuntimeSetting = (typeof TRAINING_RUNTIME_CHOICES)[number];
/**
 * auto: the ONNX step where onnxruntime-node loads, which takes 2.8-4.1x less CPU per image
 * than wasm at one thread for every paradigm (README "Native training (ONNX)"); wasm stays the
 * fallback and the reference.
 */
const DEFAULT_TRAINING_RUNTIME: TrainingRuntimeSetting = 'auto';

export interface TrainingSettings {
  /** tfjs backend; auto = tensorflow-gpu > tensorflow > webgpu > wasm > cpu, the first that loads */
  backend: BackendChoice;
  /** wasm threads per worker process, and onnxruntime's when it embeds; undefined = one per core */
  threads: number | undefined;
  /** what embeds: onnx (onnxruntime-node), wasm (tfjs), or auto = onnx where it loads, else wasm */
  inference: InferenceSetting;
  /** what trains: onnx (onnxruntime-node step graphs), wasm (tfjs, the default), or auto = onnx where it loads and the paradigm has a graph */
  runtime: TrainingRuntimeSetting;
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

/** Import checks in flight per core; measured on 64 px PNGs, see README "Scale". */
const IMPORT_CHECKS_PER_CORE = 4;

export const METRICS_ACCESS = ['open', 'reader'] as const;
/** Who may read /metrics: anyone, or a request with an API key (any role). */
export type MetricsAccess = (typeof METRICS_ACCESS)[number];

export interface Config {
  /** external PostgreSQL; undefined starts the embedded server in the data dir */
  databaseUrl: string | undefined;
  /** this host's own files: the embedded database, vector indexes (rebuilt from PostgreSQL), exports, reports */
  dataDir: string;
  /**
   * what every worker on every host must read: screens the generate job writes, and each run's
   * checkpoints and ONNX encoder (resume, embed and export on any host); the data dir by default
   */
  storeDir: string;
  /** real directories the API's importScreen may read below (the CLI's import reads anywhere) */
  importRoots: string[];
  /** images an import checks at once: enough to keep every core decoding while others wait on reads */
  importConcurrency: number;
  port: number;
  host: string;
  adminKey: string | undefined;
  logLevel: LogLevel;
  /** queries need a reader key too (mutations always need writer) */
  requireReaderForQueries: boolean;
  /** /metrics is open or needs a key; default: a key where queries need one */
  metrics: MetricsAccess;
  limits: ApiLimits;
  training: TrainingSettings;
  start: StartSettings;
  pipeline: PipelineSettings;
  storage: StorageSettings;
}

/** How embeddings are kept in PostgreSQL. */
export interface StorageSettings {
  /** what new embedding rows are written in; rows of either precision read back as float32 */
  vectorPrecision: VectorPrecision;
}

/** What `morphospace start` runs besides the API. */
export interface StartSettings {
  /** worker processes; default one per core */
  workers: number;
  /** the demo screen and sweep */
  demo: boolean;
}

/** Flags given on the command line win over the environment. */
export interface ConfigOverrides {
  databaseUrl?: string;
  dataDir?: string;
  storeDir?: string;
  importRoots?: string;
  importConcurrency?: string | number;
  port?: string | number;
  host?: string;
  logLevel?: string;
  requireReader?: boolean;
  metrics?: string;
  backend?: string;
  threads?: string | number;
  inference?: string;
  vectorPrecision?: string;
  trainingRuntime?: string;
  workers?: string;
  /** false is --no-demo; true (commander's default) leaves it to MORPHOSPACE_DEMO */
  demo?: boolean;
  /** the log level when neither the flag nor LOG_LEVEL gives one */
  defaultLogLevel?: LogLevel;
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env, overrides: ConfigOverrides = {}): Config {
  const databaseUrl = nonEmpty(overrides.databaseUrl ?? env.DATABASE_URL);
  if (databaseUrl !== undefined) validateDatabaseUrl(databaseUrl);
  const dataDir = path.resolve(nonEmpty(overrides.dataDir ?? env.MORPHOSPACE_DATA_DIR) ?? '.morphospace');
  const requireReaderForQueries = overrides.requireReader ?? parseBoolean('MORPHOSPACE_REQUIRE_READER', env.MORPHOSPACE_REQUIRE_READER, false);
  return {
    databaseUrl,
    dataDir,
    storeDir: path.resolve(nonEmpty(overrides.storeDir ?? env.MORPHOSPACE_STORE_DIR) ?? dataDir),
    importRoots: parseImportRoots(nonEmpty(overrides.importRoots ?? env.MORPHOSPACE_IMPORT_ROOTS), dataDir),
    importConcurrency: parseImportConcurrency(nonEmpty(String(overrides.importConcurrency ?? env.MORPHOSPACE_IMPORT_CONCURRENCY ?? ''))),
    port: parsePort(overrides.port ?? env.PORT ?? '4000'),
    host: nonEmpty(overrides.host ?? env.HOST) ?? '127.0.0.1',
    adminKey: parseAdminKey(nonEmpty(env.MORPHOSPACE_ADMIN_KEY)),
    logLevel: parseChoice('LOG_LEVEL', nonEmpty(overrides.logLevel ?? env.LOG_LEVEL) ?? overrides.defaultLogLevel ?? 'info', LOG_LEVELS),
    requireReaderForQueries,
    metrics: parseChoice('MORPHOSPACE_METRICS (--metrics)', nonEmpty(overrides.metrics ?? env.MORPHOSPACE_METRICS) ?? (requireReaderForQueries ? 'reader' : 'open'), METRICS_ACCESS),
    limits: {
      maxDepth: parsePositiveInt('MORPHOSPACE_MAX_DEPTH', env.MORPHOSPACE_MAX_DEPTH, 12),
      maxCost: parsePositiveInt('MORPHOSPACE_MAX_COST', env.MORPHOSPACE_MAX_COST, 20_000),
      maxPageSize: parsePositiveInt('MORPHOSPACE_MAX_PAGE_SIZE', env.MORPHOSPACE_MAX_PAGE_SIZE, 100),
      maxBodyBytes: parsePositiveInt('MORPHOSPACE_MAX_BODY_BYTES', env.MORPHOSPACE_MAX_BODY_BYTES, 1_048_576),
    },
    training: {
      backend: parseChoice('MORPHOSPACE_BACKEND', nonEmpty(overrides.backend ?? env.MORPHOSPACE_BACKEND) ?? 'auto', BACKEND_CHOICES),
      threads: nonEmpty(String(overrides.threads ?? env.MORPHOSPACE_THREADS ?? '')) === undefined ? undefined : parsePositiveInt('MORPHOSPACE_THREADS', String(overrides.threads ?? env.MORPHOSPACE_THREADS), 1),
      inference: parseChoice('MORPHOSPACE_INFERENCE (--inference)', nonEmpty(overrides.inference ?? env.MORPHOSPACE_INFERENCE) ?? 'auto', INFERENCE_CHOICES),
      runtime: parseChoice('MORPHOSPACE_TRAINING_RUNTIME (--training-runtime)', nonEmpty(overrides.trainingRuntime ?? env.MORPHOSPACE_TRAINING_RUNTIME) ?? DEFAULT_TRAINING_RUNTIME, TRAINING_RUNTIME_CHOICES),
    },
    start: {
      workers: parseWorkers(nonEmpty(overrides.workers ?? env.MORPHOSPACE_WORKERS)),
      demo: overrides.demo === false ? false : parseBoolean('MORPHOSPACE_DEMO', env.MORPHOSPACE_DEMO, true),
    },
    pipeline: parsePipeline(env),
    storage: {
      vectorPrecision: parseChoice('MORPHOSPACE_VECTOR_PRECISION (--vector-precision)', nonEmpty(overrides.vectorPrecision ?? env.MORPHOSPACE_VECTOR_PRECISION) ?? 'float32', VECTOR_PRECISIONS),
    },
  };
}

/** The config of this process: its environment, under the command line's flags. */
export function configFromEnvironment(overrides: ConfigOverrides): Config {
  return loadConfig(process.env, overrides);
}

/** The environment a child process inherits, with `overrides` on top. */
export function childEnvironment(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
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

/** A list separated by the path delimiter (":" on POSIX), like PATH; empty entries are ignored. */
function parseImportRoots(value: string | undefined, dataDir: string): string[] {
  if (value === undefined) return [path.join(dataDir, 'imports')];
  const entries = value.split(path.delimiter).map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (entries.length === 0) throw new ConfigError(`MORPHOSPACE_IMPORT_ROOTS must list at least one directory, separated by "${path.delimiter}", got "${value}"`);
  for (const entry of entries) {
    // a relative root would move with the directory the server happens to be started from
    if (!path.isAbsolute(entry)) throw new ConfigError(`MORPHOSPACE_IMPORT_ROOTS entries must be absolute paths, got "${entry}"`);
    if (entry.includes('\0')) throw new ConfigError('MORPHOSPACE_IMPORT_ROOTS must not contain NUL characters');
    if (path.resolve(entry) === path.parse(entry).root) throw new ConfigError(`MORPHOSPACE_IMPORT_ROOTS must not be the file system root "${entry}": that would let API keys read every file`);
  }
  return [...new Set(entries.map((entry) => path.resolve(entry)))];
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

/** One of a fixed list of values; `name` is how the error names the setting. */
function parseChoice<Choice extends string>(name: string, value: string, choices: readonly Choice[]): Choice {
  if (!(choices as readonly string[]).includes(value)) {
    throw new ConfigError(`${name} must be one of ${choices.join(', ')}, got "${value}"`);
  }
  return value as Choice;
}

function parseBoolean(name: string, value: string | undefined, fallback: boolean): boolean {
  const text = nonEmpty(value)?.toLowerCase();
  if (text === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (['0', 'false', 'no', 'off'].includes(text)) return false;
  throw new ConfigError(`${name} must be true or false, got "${value}"`);
}

function parseWorkers(text: string | undefined): number {
  if (text === undefined) return os.availableParallelism();
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 64) throw new ConfigError(`--workers (MORPHOSPACE_WORKERS) must be an integer from 1 to 64, got "${text}"`);
  return value;
}

function parseImportConcurrency(text: string | undefined): number {
  if (text === undefined) return IMPORT_CHECKS_PER_CORE * os.availableParallelism();
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 256) throw new ConfigError(`--import-concurrency (MORPHOSPACE_IMPORT_CONCURRENCY) must be an integer from 1 to 256, got "${text}"`);
  return value;
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
