import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';

describe('config', () => {
  it('has defaults for everything but the secrets', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ databaseUrl: undefined, dataDir: path.resolve('.morphospace'), port: 4000, logLevel: 'info', adminKey: undefined, requireReaderForQueries: false });
    expect(config.limits).toEqual({ maxDepth: 12, maxCost: 20_000, maxPageSize: 100, maxBodyBytes: 1_048_576 });
  });

  it('opens /metrics where queries are open and needs a key where they need one, unless told', () => {
    expect(loadConfig({}).metrics).toBe('open');
    expect(loadConfig({ MORPHOSPACE_REQUIRE_READER: 'true' }).metrics).toBe('reader');
    expect(loadConfig({ MORPHOSPACE_METRICS: 'reader' }).metrics).toBe('reader');
    expect(loadConfig({ MORPHOSPACE_REQUIRE_READER: 'true', MORPHOSPACE_METRICS: 'open' }).metrics).toBe('open');
    expect(loadConfig({ MORPHOSPACE_METRICS: 'open' }, { metrics: 'reader' }).metrics).toBe('reader');
  });

  it('checks 4 images per core at once during an import unless told, and refuses a count that is not one', () => {
    expect(loadConfig({}).importConcurrency).toBe(4 * os.availableParallelism());
    expect(loadConfig({ MORPHOSPACE_IMPORT_CONCURRENCY: '3' }).importConcurrency).toBe(3);
    expect(loadConfig({ MORPHOSPACE_IMPORT_CONCURRENCY: '3' }, { importConcurrency: '5' }).importConcurrency).toBe(5);
    expect(() => loadConfig({ MORPHOSPACE_IMPORT_CONCURRENCY: '0' })).toThrow(/MORPHOSPACE_IMPORT_CONCURRENCY/);
    expect(() => loadConfig({}, { importConcurrency: '2.5' })).toThrow(ConfigError);
  });

  it('reads the pipeline and heartbeat timings, and refuses a timeout a live worker could miss', () => {
    expect(loadConfig({}).pipeline).toEqual({ intervalSeconds: 60, heartbeatSeconds: 5, staleAfterSeconds: 30 });
    const env = { MORPHOSPACE_PIPELINE_INTERVAL_SECONDS: '10', MORPHOSPACE_HEARTBEAT_SECONDS: '1', MORPHOSPACE_HEARTBEAT_TIMEOUT_SECONDS: '5' };
    expect(loadConfig(env).pipeline).toEqual({ intervalSeconds: 10, heartbeatSeconds: 1, staleAfterSeconds: 5 });
    expect(() => loadConfig({ MORPHOSPACE_HEARTBEAT_SECONDS: '5', MORPHOSPACE_HEARTBEAT_TIMEOUT_SECONDS: '9' })).toThrow(/at least twice MORPHOSPACE_HEARTBEAT_SECONDS/);
    expect(() => loadConfig({ MORPHOSPACE_PIPELINE_INTERVAL_SECONDS: '0' })).toThrow(ConfigError);
  });

  it('reads the environment, and flags win over it', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@h:5/d', PORT: '5000', LOG_LEVEL: 'debug', MORPHOSPACE_DATA_DIR: '/srv/ms' }, { port: '6000' });
    expect(config).toMatchObject({ databaseUrl: 'postgres://u@h:5/d', port: 6000, logLevel: 'debug', dataDir: '/srv/ms' });
  });

  it('keeps the shared store (screens, checkpoints, encoders) in the data dir unless MORPHOSPACE_STORE_DIR or --store-dir names one', () => {
    expect(loadConfig({ MORPHOSPACE_DATA_DIR: '/srv/ms' }).storeDir).toBe('/srv/ms');
    expect(loadConfig({ MORPHOSPACE_DATA_DIR: '/srv/ms', MORPHOSPACE_STORE_DIR: '/mnt/shared/' }).storeDir).toBe('/mnt/shared');
    expect(loadConfig({ MORPHOSPACE_STORE_DIR: '/env' }, { storeDir: '/flag' }).storeDir).toBe('/flag');
  });

  it('confines API imports to <data dir>/imports unless MORPHOSPACE_IMPORT_ROOTS or --import-roots lists others', () => {
    expect(loadConfig({ MORPHOSPACE_DATA_DIR: '/srv/ms' }).importRoots).toEqual(['/srv/ms/imports']);
    const listed = loadConfig({ MORPHOSPACE_IMPORT_ROOTS: ['/a/b/', '', '/c/../d', '/a/b'].join(path.delimiter) });
    expect(listed.importRoots).toEqual(['/a/b', '/d']);
    expect(loadConfig({ MORPHOSPACE_IMPORT_ROOTS: '/env' }, { importRoots: '/flag' }).importRoots).toEqual(['/flag']);
    expect(() => loadConfig({ MORPHOSPACE_IMPORT_ROOTS: path.delimiter })).toThrow(/MORPHOSPACE_IMPORT_ROOTS must list at least one directory/);
  });

  it("reads start's settings: workers, the demo, and a default log level below the flag and LOG_LEVEL", () => {
    expect(loadConfig({ MORPHOSPACE_WORKERS: '3', MORPHOSPACE_DEMO: 'off' }).start).toEqual({ workers: 3, demo: false });
    expect(loadConfig({ MORPHOSPACE_WORKERS: '3' }, { workers: '2', demo: false }).start).toEqual({ workers: 2, demo: false });
    // commander's --demo default (true) leaves the choice to the environment
    expect(loadConfig({ MORPHOSPACE_DEMO: 'false' }, { demo: true }).start.demo).toBe(false);
    expect(loadConfig({}).start.demo).toBe(true);
    expect(loadConfig({}, { defaultLogLevel: 'warn' }).logLevel).toBe('warn');
    expect(loadConfig({ LOG_LEVEL: 'debug' }, { defaultLogLevel: 'warn' }).logLevel).toBe('debug');
  });

  it('reads MORPHOSPACE_INFERENCE (auto by default) under --inference, and the threads both runtimes use', () => {
    expect(loadConfig({}).training).toEqual({ backend: 'auto', threads: undefined, inference: 'auto', runtime: 'auto' });
    expect(loadConfig({ MORPHOSPACE_INFERENCE: 'onnx', MORPHOSPACE_THREADS: '2' }).training).toMatchObject({ inference: 'onnx', threads: 2 });
    expect(loadConfig({ MORPHOSPACE_INFERENCE: 'onnx' }, { inference: 'wasm' }).training.inference).toBe('wasm');
  });

  it('reads MORPHOSPACE_VECTOR_PRECISION (float32 by default) under --vector-precision, and refuses anything else', () => {
    expect(loadConfig({}).storage).toEqual({ vectorPrecision: 'float32' });
    expect(loadConfig({ MORPHOSPACE_VECTOR_PRECISION: 'float16' }).storage.vectorPrecision).toBe('float16');
    expect(loadConfig({ MORPHOSPACE_VECTOR_PRECISION: 'float16' }, { vectorPrecision: 'float32' }).storage.vectorPrecision).toBe('float32');
    expect(() => loadConfig({ MORPHOSPACE_VECTOR_PRECISION: 'half' })).toThrow(/MORPHOSPACE_VECTOR_PRECISION \(--vector-precision\) must be one of float32, float16, got "half"/);
  });

  it('reads MORPHOSPACE_TRAINING_RUNTIME (auto by default) under --training-runtime, and refuses other values', () => {
    expect(loadConfig({ MORPHOSPACE_TRAINING_RUNTIME: 'onnx' }).training.runtime).toBe('onnx');
    expect(loadConfig({ MORPHOSPACE_TRAINING_RUNTIME: 'onnx' }, { trainingRuntime: 'wasm' }).training.runtime).toBe('wasm');
    expect(() => loadConfig({ MORPHOSPACE_TRAINING_RUNTIME: 'gpu' })).toThrow(/MORPHOSPACE_TRAINING_RUNTIME/);
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL/],
    [{ MORPHOSPACE_ADMIN_KEY: 'short' }, /MORPHOSPACE_ADMIN_KEY/],
    [{ MORPHOSPACE_REQUIRE_READER: 'maybe' }, /MORPHOSPACE_REQUIRE_READER/],
    [{ MORPHOSPACE_MAX_DEPTH: '0' }, /MORPHOSPACE_MAX_DEPTH/],
    [{ MORPHOSPACE_IMPORT_ROOTS: 'relative/dir' }, /MORPHOSPACE_IMPORT_ROOTS/],
    [{ MORPHOSPACE_IMPORT_ROOTS: `/ok${path.delimiter}/` }, /MORPHOSPACE_IMPORT_ROOTS/],
    [{ MORPHOSPACE_WORKERS: '0' }, /MORPHOSPACE_WORKERS/],
    [{ MORPHOSPACE_DEMO: 'perhaps' }, /MORPHOSPACE_DEMO/],
    [{ MORPHOSPACE_INFERENCE: 'tensorrt' }, /MORPHOSPACE_INFERENCE/],
    [{ MORPHOSPACE_METRICS: 'closed' }, /MORPHOSPACE_METRICS/],
  ])('refuses %j naming the variable', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});
