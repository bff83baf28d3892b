import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../support/server-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** The GraphQL-over-HTTP spec as graphql-http audits it: every MUST and every SHOULD (issue 15). */
describe('GraphQL over HTTP: the graphql-http audit suite against a started server', () => {
  let testDatabase: TestDatabase;
  let dataDir: string;
  let server: ServerProcess;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('e2e_graphql_http_audit');
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-e2e-audit-'));
    server = await startServer(['serve', '--port', '0'], { DATABASE_URL: testDatabase.url, MORPHOSPACE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  });
  afterAll(async () => {
    if (server) expect(await server.stop('SIGTERM')).toBe(0);
    await testDatabase?.drop();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  const audits = serverAudits({ url: () => `${server.url}/graphql` }).filter((audit) => !audit.name.startsWith('MAY'));

  it('covers 13 MUSTs and 23 SHOULDs', () => {
    const count = (level: string) => audits.filter((audit) => audit.name.startsWith(level)).length;
    expect({ must: count('MUST'), should: count('SHOULD') }).toEqual({ must: 13, should: 23 });
  });

  it.each(audits.map((audit) => [audit.name, audit] as const))('%s', async (_name, audit) => {
    const result = await audit.fn();
    const failure = result.status === 'ok' ? undefined : `${result.reason} (HTTP ${result.response.status}: ${await result.response.text()})`;
    expect(failure).toBeUndefined();
  });
});
