import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { EmbeddedPostgresServer } from '../../src/db/embedded-postgres.server';
import { createLogger } from '../../src/logger';

declare module 'vitest' {
  export interface ProvidedContext {
    /** a superuser URL on the server the tests run against; each test file makes its own database there */
    adminDatabaseUrl: string;
    /** whether that server is the embedded one started for this run */
    embeddedDatabase: boolean;
  }
}

let embedded: { server: EmbeddedPostgresServer; dir: string } | undefined;

/** With DATABASE_URL the tests use that server; without it, a real embedded server started once for the run. */
export async function setup(project: TestProject): Promise<void> {
  const external = process.env.DATABASE_URL;
  if (external) {
    project.provide('adminDatabaseUrl', external);
    project.provide('embeddedDatabase', false);
    return;
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-test-pg-'));
  // mkdtemp makes 0700; the postgres user (when tests run as root) must traverse it
  await fs.chmod(dir, 0o755);
  const server = new EmbeddedPostgresServer(dir, createLogger('warn'));
  embedded = { server, dir };
  project.provide('adminDatabaseUrl', await server.start());
  project.provide('embeddedDatabase', true);
}

export async function teardown(): Promise<void> {
  if (!embedded) return;
  await embedded.server.stop();
  await fs.rm(embedded.dir, { recursive: true, force: true });
}
