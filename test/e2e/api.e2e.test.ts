import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database';
import { createLogger } from '../../src/logger';
import { createServices, type ServiceJobSender } from '../../src/services';
import { GRAPHQL_RESPONSE_ACCEPT, graphql, startServer, type ServerProcess } from '../support/server-process';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/test-database';

const ADMIN_KEY = 'e2e-admin-key-0123456789';

describe('morphospace serve over HTTP', () => {
  let testDatabase: TestDatabase;
  let server: ServerProcess;
  let dataDir: string;
  let seeded: { screenId: string; sweepId: string; runCount: number };

  beforeAll(async () => {
    testDatabase = await createTestDatabase('e2e_api');
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-e2e-api-'));
    seeded = await seedQueuedSweep(testDatabase.url, dataDir);
    server = await startServer(['serve', '--port', '0'], { DATABASE_URL: testDatabase.url, MORPHOSPACE_DATA_DIR: dataDir, MORPHOSPACE_ADMIN_KEY: ADMIN_KEY });
  }, 120_000);
  afterAll(async () => {
    expect(await server.stop('SIGTERM')).toBe(0);
    await testDatabase.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('reports health', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: 'ok', queue: 'ok' });
  });

  it('pages through the setups with cursors', async () => {
    const query = 'query($after: String) { setups(first: 10, after: $after) { totalCount edges { node { name } } pageInfo { hasNextPage endCursor } } }';
    const first = await graphql(server.url, query);
    expect(first.body.data.setups.totalCount).toBe(16);
    expect(first.body.data.setups.pageInfo.hasNextPage).toBe(true);
    const second = await graphql(server.url, query, { variables: { after: first.body.data.setups.pageInfo.endCursor } });
    const names = [...first.body.data.setups.edges, ...second.body.data.setups.edges].map((edge: { node: { name: string } }) => edge.node.name);
    expect(new Set(names).size).toBe(16);
    expect(second.body.data.setups.pageInfo.hasNextPage).toBe(false);
  });

  it('answers GET queries too', async () => {
    const response = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ setups(first: 1) { totalCount } }')}`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: { setups: { totalCount: number } } }).data.setups.totalCount).toBe(16);
  });

  it('refuses a mutation without a key: UNAUTHENTICATED with 401', async () => {
    const { status, body } = await graphql(server.url, 'mutation { createApiKey(role: WRITER) { key } }');
    expect(status).toBe(401);
    expect(body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('lets the admin create keys, and a writer not: FORBIDDEN with 403', async () => {
    const created = await graphql(server.url, 'mutation { createApiKey(role: WRITER, name: "e2e") { key apiKey { role prefix } } }', { key: ADMIN_KEY });
    expect(created.body.errors).toBeUndefined();
    const writerKey: string = created.body.data.createApiKey.key;
    expect(writerKey.startsWith(created.body.data.createApiKey.apiKey.prefix)).toBe(true);
    const refused = await graphql(server.url, 'mutation { createApiKey(role: ADMIN) { key } }', { key: writerKey });
    expect(refused.status).toBe(403);
    expect(refused.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses an unknown key with 401', async () => {
    const { status, body } = await graphql(server.url, '{ setups(first: 1) { totalCount } }', { key: 'msk_not-a-key' });
    expect(status).toBe(401);
    expect(body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a depth-20 query with the depth limit', async () => {
    const deep = `{ ${'runs(first: 1) { edges { node { '.repeat(5)}id${' } } }'.repeat(5)} }`;
    const { status, body } = await graphql(server.url, deep);
    expect(status).toBe(400);
    const depthError = body.errors?.find((error) => error.extensions?.code === 'QUERY_TOO_DEEP');
    expect(depthError?.message).toMatch(/maximum operation depth of 12/);
  });

  it('refuses a query over the cost limit, and a page over the page size limit', async () => {
    const costly = await graphql(server.url, `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: runs(first: 100) { edges { node { id setup { name } screen { name } } } }`).join(' ')} }`);
    expect(costly.body.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(costly.body.errors?.[0].message).toMatch(/cost limit of 20000/);
    const big = await graphql(server.url, '{ setups(first: 500) { totalCount } }');
    expect(big.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(big.body.errors?.[0].message).toMatch(/page size limit/);
  });

  it('answers a malformed body with 400 and a GraphQL error', async () => {
    for (const body of ['{not json', '', '{"query": "{ setups(first: 1) { totalCount "}']) {
      const response = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept: GRAPHQL_RESPONSE_ACCEPT }, body });
      expect(response.status).toBe(400);
      const json = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
      expect(json.errors[0].extensions.code).toMatch(/BAD_REQUEST|GRAPHQL_PARSE_FAILED/);
    }
  });

  it('refuses a body over the size limit with 413', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ setups(first: 1) { totalCount } } #${'x'.repeat(2_000_000)}` }),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('says NOT_FOUND for an unknown run', async () => {
    const { body } = await graphql(server.url, '{ run(id: "00000000-0000-0000-0000-000000000000") { id } }');
    expect(body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('takes a screen by id or by name in every filter that names one', async () => {
    const query = `query($screen: ID) { runs(first: 10, screen: $screen) { totalCount }
      sweeps(first: 10, screen: $screen) { totalCount }
      cellLines(first: 10, screen: $screen) { totalCount }
      compounds(first: 10, screen: $screen) { totalCount } }`;
    const byName = await graphql(server.url, query, { variables: { screen: 'e2e-tiny' } });
    expect(byName.body.errors).toBeUndefined();
    expect(byName.body.data.runs.totalCount).toBe(seeded.runCount);
    expect(byName.body.data.sweeps.totalCount).toBe(1);
    expect(byName.body.data.cellLines.totalCount).toBeGreaterThan(0);
    const byId = await graphql(server.url, query, { variables: { screen: seeded.screenId } });
    expect(byId.body.data).toEqual(byName.body.data);
    const screen = await graphql(server.url, '{ screen(id: "e2e-tiny") { id } }');
    expect(screen.body.data.screen.id).toBe(seeded.screenId);
  });

  it('lists a sweep\'s runs by its id', async () => {
    const { body } = await graphql(server.url, 'query($sweep: ID) { runs(first: 10, sweep: $sweep) { totalCount } }', { variables: { sweep: seeded.sweepId } });
    expect(body.data.runs.totalCount).toBe(seeded.runCount);
  });

  it('says NOT_FOUND, not an empty list, for a screen, sweep or MoA that names nothing', async () => {
    const unknown = [
      '{ runs(first: 10, screen: "no-such-screen") { totalCount } }',
      '{ runs(first: 10, screen: "00000000-0000-0000-0000-000000000000") { totalCount } }',
      '{ runs(first: 10, sweep: "demo") { totalCount } }',
      '{ runs(first: 10, sweep: "00000000-0000-0000-0000-000000000000") { totalCount } }',
      '{ sweeps(first: 10, screen: "no-such-screen") { totalCount } }',
      '{ cellLines(first: 10, screen: "no-such-screen") { totalCount } }',
      '{ compounds(first: 10, moa: "no such mechanism") { totalCount } }',
    ];
    for (const query of unknown) {
      const { body } = await graphql(server.url, query);
      expect(body.errors?.[0].extensions?.code, query).toBe('NOT_FOUND');
    }
  });

  it('logs one line per request with its duration', () => {
    expect(server.output()).toMatch(/"path":"\/healthz","status":200,"durationMs":\d+/);
  });
});

/** A tiny screen and a sweep of three queued runs, made in-process before the server starts (no worker trains them). */
async function seedQueuedSweep(databaseUrl: string, dataDir: string): Promise<{ screenId: string; sweepId: string; runCount: number }> {
  const config = testConfig(databaseUrl, { MORPHOSPACE_DATA_DIR: dataDir });
  const database = await openDatabase(config, createLogger('silent'), { migrate: true });
  try {
    const queue: ServiceJobSender = { send: async () => null, unfinishedJobs: async () => [] };
    const services = createServices(config, database, queue);
    const { screen } = await services.screens.generateAndRegister({ preset: 'tiny', seed: 3, name: 'e2e-tiny' });
    const setups = ['weakly-supervised/one-crop', 'self-supervised/one-crop', 'unsupervised/one-crop'];
    const { sweep, runs } = await services.sweeps.create({ screen: 'e2e-tiny', setups, profile: 'quick' });
    return { screenId: screen.id, sweepId: sweep.id, runCount: runs.length };
  } finally {
    await database.close();
  }
}
