import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedEmbeddedRun, type EmbeddedRun } from '../support/embedded-run';
import { hostileCorpus } from '../support/hostile-corpus';
import { sendAll } from '../support/raw-http';
import { GRAPHQL_RESPONSE_ACCEPT, graphql, startServer, type ServerProcess } from '../support/server-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const ADMIN_KEY = 'e2e-hostile-admin-key-0123';

/** What must never reach a client: stack frames, the server's files, SQL and Postgres's own words. */
const LEAKS = [
  /\n\s+at \S/,
  /\bat [\w.<>]+ \(/,
  /stacktrace/i,
  /node_modules|\/dist\/|\/src\/|\.[tj]s:\d+/,
  /QueryFailedError|syntax error at or near|invalid input syntax|violates \w+ (key )?constraint|duplicate key|relation "\w+"|column "\w+"/,
  /\b(FROM|INTO|UPDATE) (images|runs|screens|sweeps|embeddings|embedding_sets|api_keys|profiles|setups)\b/,
];

describe('hostile requests over HTTP (issue 12)', () => {
  let testDatabase: TestDatabase;
  let dataDir: string;
  let server: ServerProcess;
  let run: EmbeddedRun;
  let readerKey: string;
  const nearestImages = 'query ($run: ID!, $vector: [Float!], $metric: DistanceMetric!) { nearestImages(run: $run, vector: $vector, k: 3, metric: $metric) { imageId distance } }';

  beforeAll(async () => {
    testDatabase = await createTestDatabase('e2e_hostile');
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-e2e-hostile-'));
    run = await seedEmbeddedRun(testDatabase.url, 64);
    server = await startServer(['serve', '--port', '0'], { DATABASE_URL: testDatabase.url, MORPHOSPACE_ADMIN_KEY: ADMIN_KEY, MORPHOSPACE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    const created = await graphql(server.url, 'mutation { createApiKey(role: READER, name: "hostile") { key } }', { key: ADMIN_KEY });
    readerKey = created.body.data.createApiKey.key;
  });
  afterAll(async () => {
    if (server) expect(await server.stop('SIGTERM')).toBe(0);
    await testDatabase?.drop();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  const codes = (body: { errors?: Array<{ extensions?: { code?: string } }> }) => body.errors?.map((error) => error.extensions?.code);

  it('refuses a fragment cycle as invalid (400), not with a stack overflow', async () => {
    const { status, body } = await graphql(server.url, '{ runs { ...A } } fragment A on RunConnection { ...B } fragment B on RunConnection { ...A }');
    expect(status).toBe(400);
    expect(codes(body)).toContain('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses variables of the wrong type, missing, of a bad enum value or out of range with BAD_USER_INPUT (400)', async () => {
    const query = 'query ($run: ID!, $image: ID, $k: Int!, $metric: DistanceMetric!) { nearestImages(run: $run, image: $image, k: $k, metric: $metric) { imageId } }';
    const good = { run: run.runId, image: String(run.imageIds[0]), k: 3, metric: 'COSINE' };
    // bad variables first: a cost remembered from good ones must not be what saves them
    for (const variables of [{ ...good, k: 'three' }, { ...good, k: undefined }, { ...good, metric: 'MANHATTAN' }, { ...good, k: 2 ** 40 }, { ...good, run: null }]) {
      const { status, body } = await graphql(server.url, query, { variables });
      expect({ variables, status, codes: codes(body) }).toEqual({ variables, status: 400, codes: ['BAD_USER_INPUT'] });
    }
    expect((await graphql(server.url, query, { variables: good })).body.data.nearestImages).toHaveLength(3);
  });

  it('refuses an operationName on an anonymous operation with 400', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: GRAPHQL_RESPONSE_ACCEPT },
      body: JSON.stringify({ query: '{ setups(first: 1) { totalCount } }', operationName: 'Named' }),
    });
    expect(response.status).toBe(400);
    expect(codes((await response.json()) as never)).toEqual(['OPERATION_RESOLUTION_FAILURE']);
  });

  it('refuses vectors whose values are not finite in 32 bits: BAD_USER_INPUT, not a NaN distance', async () => {
    for (const [value, metric] of [[1e300, 'EUCLIDEAN'], [1e39, 'COSINE'], [-1e308, 'COSINE']] as const) {
      const { body } = await graphql(server.url, nearestImages, { variables: { run: run.runId, vector: new Array(2048).fill(value), metric } });
      expect({ value, metric, codes: codes(body) }).toEqual({ value, metric, codes: ['BAD_USER_INPUT'] });
    }
    const fine = await graphql(server.url, nearestImages, { variables: { run: run.runId, vector: new Array(2048).fill(1e10), metric: 'EUCLIDEAN' } });
    expect(fine.body.data.nearestImages).toHaveLength(3);
  });

  it('refuses 1,000 aliases of nearestImages(k: 100) as QUERY_TOO_COMPLEX (400) before searching', async () => {
    const field = `nearestImages(run: "${run.runId}", image: "${run.imageIds[0]}", k: 100) { imageId distance }`;
    const { status, body } = await graphql(server.url, `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: ${field}`).join(' ')} }`);
    expect(status).toBe(400);
    expect(codes(body)).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('answers a mutation without a key with 401 and one with too small a role with 403', async () => {
    const anonymous = await graphql(server.url, 'mutation { createApiKey(role: WRITER) { key } }');
    expect({ status: anonymous.status, codes: codes(anonymous.body) }).toEqual({ status: 401, codes: ['UNAUTHENTICATED'] });
    const reader = await graphql(server.url, 'mutation { createApiKey(role: WRITER) { key } }', { key: readerKey });
    expect({ status: reader.status, codes: codes(reader.body) }).toEqual({ status: 403, codes: ['FORBIDDEN'] });
  });

  it('answers 1,000+ seeded hostile requests without a 5xx or a leaked internal, and stays healthy', async () => {
    const corpus = hostileCorpus('issue-12', { runId: run.runId, imageId: String(run.imageIds[0]) }, { admin: ADMIN_KEY, reader: readerKey });
    expect(corpus.length).toBeGreaterThanOrEqual(1000);
    const answers = await sendAll(server.url, corpus, 4, 30_000);
    const failures = corpus
      .map((request, i) => ({ kind: request.kind, request: `${request.method} ${request.path.slice(0, 200)} ${String(request.body ?? '').slice(0, 300)}`, ...answers[i] }))
      .filter((answer) => answer.status === 0 || answer.status >= 500 || LEAKS.some((leak) => leak.test(answer.body)))
      .map((answer) => ({ ...answer, body: answer.body.slice(0, 500) }));
    expect(failures).toEqual([]);
    const statuses = new Map<number, number>();
    for (const { status } of answers) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    console.info(`hostile corpus: ${corpus.length} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(server.child.exitCode).toBeNull();
  }, 180_000);
});
