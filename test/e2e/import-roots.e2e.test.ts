import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_HEADER, writeGreyPng, writeManifest } from '../support/screen-fixtures';
import { graphql, startServer, type ServerProcess } from '../support/server-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const ADMIN_KEY = 'import-roots-admin-key-0123456789';
const IMPORT = 'mutation($manifest: String, $root: String, $pattern: String) { importScreen(name: "e2e", manifest: $manifest, root: $root, pattern: $pattern) { imported } }';

/** Issue 12's reproductions over HTTP, through the real server's error formatting: importScreen reads only below the import roots. */
describe('importScreen over HTTP with MORPHOSPACE_IMPORT_ROOTS', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'morphospace-e2e-roots-'));
  const roots = path.join(work, 'imports');
  let testDatabase: TestDatabase;
  let server: ServerProcess;

  const importScreen = async (variables: Record<string, string>) => {
    const { status, body } = await graphql(server.url, IMPORT, { key: ADMIN_KEY, variables });
    return { status, data: body.data?.importScreen, code: body.errors?.[0].extensions?.code, message: body.errors?.[0].message ?? '' };
  };

  beforeAll(async () => {
    testDatabase = await createTestDatabase('e2e_roots');
    await writeGreyPng(path.join(roots, 'screen', 'a.png'), { seed: 1 });
    await writeManifest(path.join(roots, 'screen', 'manifest.csv'), MANIFEST_HEADER, [['a.png', 'ACHN', 'DMSO', 0, 'P1', 'A01', 1, '', '']]);
    fs.symlinkSync('/etc', path.join(roots, 'etc'));
    server = await startServer(['serve', '--port', '0', '--import-roots', roots], { DATABASE_URL: testDatabase.url, MORPHOSPACE_DATA_DIR: path.join(work, 'data'), MORPHOSPACE_ADMIN_KEY: ADMIN_KEY });
  });

  afterAll(async () => {
    await server?.stop();
    await testDatabase?.drop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('answers /etc/shadow and a missing file alike, directly or through a link', async () => {
    const answers = await Promise.all(['/etc/shadow', '/etc/no-such-file', path.join(roots, 'etc', 'shadow'), path.join(roots, 'etc', 'no-such-file'), `${roots}/../../../etc/shadow`].map((manifest) => importScreen({ manifest })));
    for (const [i, answer] of answers.entries()) {
      expect(answer.code, String(i)).toBe('BAD_USER_INPUT');
      expect(answer.message).toMatch(/^manifest .* is not below an import root/);
    }
    expect(answers[1].message.replace('no-such-file', 'shadow')).toBe(answers[0].message);
    expect(answers[3].message.replace('no-such-file', 'shadow')).toBe(answers[2].message);
  });

  it('refuses /proc and /usr/share as a pattern root without listing them', async () => {
    const pattern = '{cell_line}_{plate}_{well}_{compound}_{concentration}.png';
    for (const root of ['/proc', '/usr/share']) {
      const answer = await importScreen({ root, pattern });
      expect(answer.status).toBe(200);
      expect(answer.code).toBe('BAD_USER_INPUT');
      expect(answer.message).toBe(`root ${root} is not below an import root (${roots}; MORPHOSPACE_IMPORT_ROOTS)`);
    }
  });

  it('imports from below a root', async () => {
    const answer = await importScreen({ manifest: path.join(roots, 'screen', 'manifest.csv') });
    expect(answer.code).toBeUndefined();
    expect(answer.data).toEqual({ imported: 1 });
  });
});
