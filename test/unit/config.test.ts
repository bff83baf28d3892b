import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';

describe('config', () => {
  it('has defaults for everything but the secrets', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ databaseUrl: undefined, dataDir: path.resolve('.morphospace'), port: 4000, logLevel: 'info', adminKey: undefined, requireReaderForQueries: false });
    expect(config.limits).toEqual({ maxDepth: 12, maxCost: 20_000, maxPageSize: 100, maxBodyBytes: 1_048_576 });
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

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL/],
    [{ MORPHOSPACE_ADMIN_KEY: 'short' }, /MORPHOSPACE_ADMIN_KEY/],
    [{ MORPHOSPACE_REQUIRE_READER: 'maybe' }, /MORPHOSPACE_REQUIRE_READER/],
    [{ MORPHOSPACE_MAX_DEPTH: '0' }, /MORPHOSPACE_MAX_DEPTH/],
  ])('refuses %j naming the variable', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});
