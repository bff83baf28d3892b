import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedEmbeddedRun, type EmbeddedRun } from '../support/embedded-run';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const CLI = path.join(__dirname, '..', '..', 'bin', 'morphospace.js');
const run = promisify(execFile);

describe('morphospace export', () => {
  let testDatabase: TestDatabase;
  let dataDir: string;
  let seeded: EmbeddedRun;
  let env: NodeJS.ProcessEnv;

  const cli = (args: string[]) => run(process.execPath, [CLI, 'export', ...args], { env });
  const refused = async (args: string[]) => {
    const failure = await cli(args).then(
      () => undefined,
      (error: { code: number; stderr: string; stdout: string }) => error,
    );
    expect(failure, args.join(' ')).toBeDefined();
    return failure!;
  };

  beforeAll(async () => {
    testDatabase = await createTestDatabase('export_command');
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-export-command-'));
    seeded = await seedEmbeddedRun(testDatabase.url, 40);
    env = { ...process.env, DATABASE_URL: testDatabase.url, MORPHOSPACE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  });
  afterAll(async () => {
    await testDatabase?.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('writes a Parquet and a CSV file and prints one JSON line about each', async () => {
    const parquet = path.join(dataDir, 'embeddings.parquet');
    const printed = JSON.parse((await cli(['--run', seeded.runId, '--what', 'embeddings', '--format', 'parquet', '--out', parquet])).stdout);
    expect(printed).toMatchObject({ run: seeded.runId, what: 'embeddings', format: 'parquet', out: parquet, rows: 40, bytes: (await fs.stat(parquet)).size });
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    try {
      const reader = await duck.runAndReadAll(`SELECT count(*)::INTEGER AS n, min(Metadata_ImageNumber) AS first FROM read_parquet('${parquet}')`);
      expect(reader.getRowObjectsJS()).toEqual([{ n: 40, first: seeded.imageIds[0] }]);
    } finally {
      duck.closeSync();
    }
    const csv = path.join(dataDir, 'embeddings.csv');
    expect(JSON.parse((await cli(['--run', seeded.runId, '--what', 'embeddings', '--format', 'csv', '--out', csv])).stdout)).toMatchObject({ rows: 40 });
    const lines = (await fs.readFile(csv, 'utf8')).split('\r\n');
    expect(lines[0].split(',').slice(0, 3)).toEqual(['Metadata_ImageNumber', 'Metadata_FileName', 'Metadata_Plate']);
    expect(lines[0].split(',')).toHaveLength(9 + 2048);
    expect(lines).toHaveLength(42);
  });

  it('refuses bad arguments with one line and exit code 2, writing nothing', async () => {
    const out = path.join(dataDir, 'refused.parquet');
    const cases: Array<[string[], RegExp]> = [
      [['--what', 'embeddings', '--out', out], /--run <id> is required/],
      [['--run', seeded.runId, '--what', 'images', '--out', out], /--what must be one of embeddings, profiles, evaluations/],
      [['--run', seeded.runId, '--what', 'profiles', '--format', 'xlsx', '--out', out], /--format must be one of parquet, csv/],
      [['--run', seeded.runId, '--what', 'profiles'], /--out <file> is required/],
      [['--run', seeded.runId, '--what', 'profiles', '--out', path.join(dataDir, 'missing', 'x.csv')], /directory .* does not exist/],
      [['--run', 'not-a-run', '--what', 'profiles', '--out', out], /run "not-a-run" not found/],
    ];
    // each is a process of its own: started together, they take the time of one
    const failures = await Promise.all(cases.map(([args]) => refused(args)));
    failures.forEach((failure, i) => {
      expect(failure.code, `${cases[i][0].join(' ')}: ${failure.stderr}`).toBe(2);
      // the message is one line; log lines (JSON, from the logger) are not part of it
      const said = failure.stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('{'));
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(cases[i][1]);
    });
    await expect(fs.stat(out)).rejects.toThrow();
  });
});
