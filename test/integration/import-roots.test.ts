import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, type GraphQLSchema } from 'graphql';
import { createRequestContext } from '../../src/api/context';
import { buildApiSchema } from '../../src/api/schema';
import { openDatabase, type Database } from '../../src/db/database';
import { createLogger } from '../../src/logger';
import { createServices, type Services } from '../../src/services';
import { MANIFEST_HEADER, writeGreyPng, writeManifest } from '../support/screen-fixtures';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/test-database';

/** Through the importScreen mutation, as a writer key would call it: the server's files below the import roots only. */
let testDatabase: TestDatabase;
let database: Database;
let services: Services;
let schema: GraphQLSchema;
let work: string;
let roots: string;
let outside: string;

const MUTATION = `mutation($name: String!, $manifest: String, $root: String, $pattern: String, $skip: Boolean) {
  importScreen(name: $name, manifest: $manifest, root: $root, pattern: $pattern, skipInvalid: $skip) { imported skipped { line path reason } screen { name imageCount } }
}`;

async function importScreen(variables: { name: string; manifest?: string; root?: string; pattern?: string; skip?: boolean }) {
  const result = await graphql({ schema, source: MUTATION, variableValues: variables, contextValue: createRequestContext({ role: 'writer', keyId: 'w' }, services) });
  const error = result.errors?.[0];
  return { data: result.data?.importScreen as { imported: number; skipped: Array<{ reason: string }> } | undefined, code: error?.extensions?.code, message: error?.message ?? '', extensions: error?.extensions };
}

beforeAll(async () => {
  testDatabase = await createTestDatabase('roots');
  work = await mkdtemp(path.join(os.tmpdir(), 'morphospace-roots-'));
  roots = path.join(work, 'imports');
  outside = path.join(work, 'private');
  const config = testConfig(testDatabase.url, { MORPHOSPACE_DATA_DIR: path.join(work, 'data'), MORPHOSPACE_IMPORT_ROOTS: roots });
  database = await openDatabase(config, createLogger('silent'), { migrate: true });
  services = createServices(config, database);
  schema = await buildApiSchema({ requireReaderForQueries: false });

  await writeGreyPng(path.join(roots, 'good/a.png'), { seed: 1 });
  await writeGreyPng(path.join(roots, 'good/b.png'), { seed: 2 });
  await writeManifest(path.join(roots, 'good/manifest.csv'), MANIFEST_HEADER, [
    ['a.png', 'ACHN', 'DMSO', 0, 'P1', 'A01', 1, '', ''],
    ['b.png', 'ACHN', 'Methotrexate', 1, 'P1', 'A02', 1, 'antifolate', ''],
  ]);
  await writeGreyPng(path.join(outside, 'secret.png'), { seed: 3 });
  await writeManifest(path.join(outside, 'manifest.csv'), MANIFEST_HEADER, [['secret.png', 'ACHN', 'DMSO', 0, 'P1', 'A01', 1, '', '']]);
  await symlink(outside, path.join(roots, 'link-out'));
  await symlink('/etc', path.join(roots, 'link-etc'));
  await symlink('/proc', path.join(roots, 'link-proc'));
});

afterAll(async () => {
  await database?.close();
  await testDatabase?.drop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('importScreen reads only below the import roots', () => {
  it('imports a manifest below a root', async () => {
    const result = await importScreen({ name: 'allowed', manifest: path.join(roots, 'good/manifest.csv') });
    expect(result.code).toBeUndefined();
    expect(result.data).toMatchObject({ imported: 2, screen: { name: 'allowed', imageCount: 2 } });
  });

  it('refuses ../ traversal, an absolute path outside and a symlink out of the root, alike', async () => {
    for (const manifest of [path.join(roots, 'good', '..', '..', 'private', 'manifest.csv'), path.join(outside, 'manifest.csv'), path.join(roots, 'link-out', 'manifest.csv')]) {
      const result = await importScreen({ name: 'escape', manifest });
      expect(result.code, manifest).toBe('BAD_USER_INPUT');
      expect(result.message).toBe(`manifest ${manifest} is not below an import root (${roots}; MORPHOSPACE_IMPORT_ROOTS)`);
    }
    const viaRoot = await importScreen({ name: 'escape', manifest: path.join(roots, 'good/manifest.csv'), root: path.join(roots, 'link-out') });
    expect(viaRoot.code).toBe('BAD_USER_INPUT');
    expect(viaRoot.message).toMatch(/^root .* is not below an import root/);
  });

  it('refuses image paths that leave the roots: ../ in the manifest, PathName columns, a symlinked image', async () => {
    const dir = path.join(roots, 'sneaky');
    await symlink(path.join(outside, 'secret.png'), path.join(roots, 'good-looking.png'));
    await writeManifest(path.join(dir, 'manifest.csv'), [...MANIFEST_HEADER.slice(1), 'PathName_DNA', 'FileName_DNA'], [
      ['ACHN', 'DMSO', 0, 'P1', 'A01', 1, '', '', '', 'good-looking.png'],
      ['ACHN', 'DMSO', 0, 'P1', 'A02', 1, '', '', outside, 'secret.png'],
      ['ACHN', 'DMSO', 0, 'P1', 'A03', 1, '', '', '..', 'private/secret.png'],
      ['ACHN', 'DMSO', 0, 'P1', 'A04', 1, '', '', 'link-etc', 'shadow'],
      ['ACHN', 'DMSO', 0, 'P1', 'A05', 1, '', '', 'link-etc', 'no-such-file'],
      ['ACHN', 'DMSO', 0, 'P1', 'A06', 1, '', '', 'good', 'a.png'],
    ]);
    const result = await importScreen({ name: 'sneaky', manifest: path.join(dir, 'manifest.csv'), root: roots });
    expect(result.code).toBe('BAD_USER_INPUT');
    const problems = result.extensions?.problems as Array<{ line: number; reason: string }>;
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6]);
    expect(problems[0].reason).toBe('is outside the import roots');
    expect(problems[1].reason).toMatch(/is outside the root directory/);
    expect(problems[2].reason).toMatch(/is outside the root directory/);
    // an existing and a missing file behind the same link: one answer
    expect(problems[3].reason).toBe('is outside the import roots');
    expect(problems[4].reason).toBe(problems[3].reason);
  });

  it('answers /etc/shadow and a missing file outside the roots with the same message', async () => {
    expect(existsSync('/etc/shadow')).toBe(true);
    const existing = await importScreen({ name: 'shadow', manifest: '/etc/shadow' });
    const missing = await importScreen({ name: 'shadow', manifest: '/etc/no-such-file-here' });
    expect(existing.code).toBe('BAD_USER_INPUT');
    expect(missing.code).toBe(existing.code);
    expect(missing.message.replace('/etc/no-such-file-here', 'X')).toBe(existing.message.replace('/etc/shadow', 'X'));
    const viaLink = await importScreen({ name: 'shadow', manifest: path.join(roots, 'link-etc', 'shadow') });
    const viaLinkMissing = await importScreen({ name: 'shadow', manifest: path.join(roots, 'link-etc', 'no-such-file-here') });
    expect(viaLinkMissing.message.replace('no-such-file-here', 'X')).toBe(viaLink.message.replace('shadow', 'X'));
  });

  it('gives /proc a 4xx code, directly or through a link', async () => {
    const pattern = '{cell_line}_{plate}_{well}_{compound}_{concentration}.png';
    for (const root of ['/proc', path.join(roots, 'link-proc'), path.join(roots, 'link-proc', 'self')]) {
      const result = await importScreen({ name: 'proc', root, pattern });
      expect(result.code, root).toBe('BAD_USER_INPUT');
      expect(result.message).toMatch(/is not below an import root/);
    }
  });

  it('lists no directory outside the roots, and only the first few names inside one', async () => {
    const pattern = '{cell_line}_{plate}_{well}_{compound}_{concentration}.png';
    const system = await importScreen({ name: 'listing', root: '/usr/share', pattern });
    expect(system.code).toBe('BAD_USER_INPUT');
    expect(system.message).toBe(`root /usr/share is not below an import root (${roots}; MORPHOSPACE_IMPORT_ROOTS)`);
    expect(system.extensions?.problems).toBeUndefined();

    const many = path.join(roots, 'many');
    await mkdir(many, { recursive: true });
    for (let i = 0; i < 30; i += 1) await writeFile(path.join(many, `unrelated-${String(i).padStart(2, '0')}.png`), 'x');
    const inside = await importScreen({ name: 'listing', root: many, pattern });
    expect(inside.code).toBe('BAD_USER_INPUT');
    const named = inside.message.match(/unrelated-\d\d\.png/g) ?? [];
    expect(named.length).toBeGreaterThan(0);
    expect(named.length).toBeLessThanOrEqual(5);
    expect((inside.extensions?.problems as unknown[]).length).toBeLessThanOrEqual(5);
    expect(inside.message).toMatch(/30 problem\(s\)/);
  });

  it('still lets the CLI (reach: anywhere) read outside the roots', async () => {
    const result = await services.screens.importScreen({ name: 'cli-outside', manifest: path.join(outside, 'manifest.csv') }, { reach: 'anywhere' });
    expect(result.imported).toBe(1);
  });
});
