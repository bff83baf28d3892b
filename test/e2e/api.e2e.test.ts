import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, startServer, type ServerProcess } from '../support/server-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const ADMIN_KEY = 'e2e-admin-key-0123456789';

describe('morphospace serve over HTTP', () => {
  let testDatabase: TestDatabase;
  let server: ServerProcess;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('e2e_api');
    server = await startServer(['serve', '--port', '0'], { DATABASE_URL: testDatabase.url, MORPHOSPACE_ADMIN_KEY: ADMIN_KEY });
  });
  afterAll(async () => {
    expect(await server.stop('SIGTERM')).toBe(0);
    await testDatabase.drop();
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
      const response = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
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

  it('logs one line per request with its duration', () => {
    expect(server.output()).toMatch(/"path":"\/healthz","status":200,"durationMs":\d+/);
  });
});
