import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { graphql as execute, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiSchema } from '../../src/api/schema';
import { openDatabase, type Database } from '../../src/db/database';
import { BenchFixtureRepository } from '../../src/db/repositories/bench-fixture.repository';
import { EmbeddingRepository } from '../../src/db/repositories/embedding.repository';
import { ProfileBuildRepository } from '../../src/db/repositories/profile-build.repository';
import { createLogger } from '../../src/logger';
import { createServices, type Services } from '../../src/services';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/test-database';

const IMAGES = 300;
const DIMENSIONS = 2048;
/** a value of image i, dimension d: exact in float32, different everywhere */
const valueAt = (i: number, d: number) => Math.fround((i * DIMENSIONS + d) / 1024 - 7.25);

describe('export of embeddings, profiles and evaluations', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let services: Services;
  let schema: GraphQLSchema;
  let dataDir: string;
  let runId: string;
  let imageIds: number[];
  let duck: DuckDBConnection;

  const rowsOf = async (file: string, sql = 'SELECT * FROM t') => {
    await duck.run(`CREATE OR REPLACE VIEW t AS SELECT * FROM read_parquet('${file}')`);
    const reader = await duck.runAndReadAll(sql);
    return { columns: reader.columnNames(), rows: reader.getRowObjectsJS() as Array<Record<string, unknown>> };
  };

  beforeAll(async () => {
    testDatabase = await createTestDatabase('export');
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-export-'));
    const config = testConfig(testDatabase.url, { MORPHOSPACE_DATA_DIR: dataDir });
    database = await openDatabase(config, createLogger('silent'), { migrate: true });
    services = createServices(config, database);
    schema = await buildApiSchema({ requireReaderForQueries: false });
    const run = await new BenchFixtureRepository(database.dataSource).create(IMAGES);
    ({ runId, imageIds } = run);
    const embeddings = new EmbeddingRepository(database.dataSource);
    await embeddings.begin(runId, DIMENSIONS, {});
    await embeddings.write(runId, imageIds.map((imageId, i) => ({ imageId, vector: Float32Array.from({ length: DIMENSIONS }, (_, d) => valueAt(i, d)) })));
    await embeddings.complete(runId, run.screenId);
    const [{ cellLineId, compoundId }] = await database.dataSource.query('SELECT cell_line_id AS "cellLineId", compound_id AS "compoundId" FROM images WHERE id = $1', [imageIds[0]]);
    const profile = { cellLineId, compoundId, concentration: 1, imageCount: IMAGES };
    await new ProfileBuildRepository(database.dataSource).rebuild(runId, (session) => session.insert([
      { ...profile, level: 'treatment', normalization: 'none', plate: null, well: null, vector: Float32Array.from({ length: DIMENSIONS }, (_, d) => d / 8) },
      { ...profile, level: 'well', normalization: 'standardize', plate: 'P1', well: 'A01', vector: Float32Array.from({ length: DIMENSIONS }, (_, d) => -d / 4) },
    ]));
    await database.dataSource.query(
      `INSERT INTO evaluations (run_id, task, cell_line_id, parameters, result) VALUES
         ($1, 'classification', $2, '{"split":"held-out"}', '{"auc":0.75,"accuracy":0.5,"confusion":[1,2],"note":"text is left out"}'),
         ($1, 'classification', NULL, '{"split":"held-out"}', '{"auc":{"median":0.7,"mad":0.125}}')`,
      [runId, cellLineId],
    );
    duck = await (await DuckDBInstance.create(':memory:')).connect();
  });
  afterAll(async () => {
    duck?.closeSync();
    await database.close();
    await testDatabase.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('writes embeddings as Parquet that DuckDB reads back: rows, columns and exact values', async () => {
    const out = path.join(dataDir, 'embeddings.parquet');
    const written = await services.exports.exportToFile({ run: runId, what: 'embeddings', format: 'parquet' }, out);
    expect(written).toMatchObject({ path: out, rows: IMAGES });
    expect(written.bytes).toBe((await fs.stat(out)).size);
    const { columns, rows } = await rowsOf(out, 'SELECT * FROM t ORDER BY Metadata_ImageNumber');
    expect(columns.slice(0, 9)).toEqual([
      'Metadata_ImageNumber', 'Metadata_FileName', 'Metadata_Plate', 'Metadata_Well', 'Metadata_Site', 'Metadata_cell_line', 'Metadata_pert_iname', 'Metadata_moa', 'Metadata_dose',
    ]);
    expect(columns.slice(9)).toHaveLength(DIMENSIONS);
    expect([columns[9], columns[10], columns[9 + 2047]]).toEqual(['emb_0000', 'emb_0001', 'emb_2047']);
    expect(rows).toHaveLength(IMAGES);
    expect(rows.map((row) => row.Metadata_ImageNumber)).toEqual(imageIds);
    expect(rows[0]).toMatchObject({ Metadata_Plate: 'P1', Metadata_Well: 'A01', Metadata_Site: 1, Metadata_cell_line: 'BENCH', Metadata_pert_iname: 'BENCH', Metadata_moa: null, Metadata_dose: 1 });
    for (const [i, d] of [[0, 0], [0, 2047], [137, 5], [299, 1024]]) expect(rows[i][`emb_${String(d).padStart(4, '0')}`]).toBe(valueAt(i, d));
    const [{ types }] = (await rowsOf(out, "SELECT string_agg(DISTINCT column_type, ',') AS types FROM (DESCRIBE t) WHERE column_name LIKE 'emb_%'")).rows;
    expect(types).toBe('FLOAT');
  });

  it('writes profiles with their level and normalisation, treatment profiles without plate and well', async () => {
    const out = path.join(dataDir, 'profiles.parquet');
    await services.exports.exportToFile({ run: runId, what: 'profiles', format: 'parquet' }, out);
    const { columns, rows } = await rowsOf(out, 'SELECT * FROM t ORDER BY Metadata_ProfileNumber');
    expect(columns).toContain('Metadata_level');
    expect(columns).toContain('Metadata_normalization');
    expect(rows.map((row) => [row.Metadata_level, row.Metadata_normalization, row.Metadata_Plate, row.Metadata_Well, row.Metadata_image_count])).toEqual([
      ['treatment', 'none', null, null, IMAGES],
      ['well', 'standardize', 'P1', 'A01', IMAGES],
    ]);
    expect([rows[0].emb_0003, rows[1].emb_2047]).toEqual([3 / 8, -2047 / 4]);
  });

  it('writes evaluations as a long table of numeric values', async () => {
    const out = path.join(dataDir, 'evaluations.parquet');
    const written = await services.exports.exportToFile({ run: runId, what: 'evaluations', format: 'parquet' }, out);
    const { columns, rows } = await rowsOf(out);
    expect(columns).toEqual(['task', 'cell_line', 'metric', 'value', 'parameters']);
    expect(written.rows).toBe(6);
    expect(rows.map((row) => [row.cell_line, row.metric, row.value])).toEqual([
      // jsonb keeps an object's keys shortest first
      [null, 'auc.mad', 0.125],
      [null, 'auc.median', 0.7],
      ['BENCH', 'auc', 0.75],
      ['BENCH', 'accuracy', 0.5],
      ['BENCH', 'confusion.0', 1],
      ['BENCH', 'confusion.1', 2],
    ]);
    expect(JSON.parse(rows[0].parameters as string)).toEqual({ split: 'held-out' });
  });

  it('writes CSV with RFC 4180 quoting that DuckDB reads back as the same table', async () => {
    await database.dataSource.query(`UPDATE compounds SET moa = 'says "hi", twice' WHERE name = 'BENCH'`);
    try {
      const out = path.join(dataDir, 'embeddings.csv');
      const written = await services.exports.exportToFile({ run: runId, what: 'embeddings', format: 'csv' }, out);
      expect(written.rows).toBe(IMAGES);
      const text = await fs.readFile(out, 'utf8');
      const lines = text.split('\r\n');
      expect(lines).toHaveLength(IMAGES + 2);
      expect(lines.at(-1)).toBe('');
      expect(lines[1]).toContain(',"says ""hi"", twice",1,');
      const reader = await duck.runAndReadAll(`SELECT * FROM read_csv('${out}', header = true) ORDER BY Metadata_ImageNumber`);
      const rows = reader.getRowObjectsJS() as Array<Record<string, unknown>>;
      expect(rows).toHaveLength(IMAGES);
      expect(rows[0].Metadata_moa).toBe('says "hi", twice');
      for (const [i, d] of [[0, 0], [137, 5], [299, 2047]]) expect(Math.fround(Number(rows[i][`emb_${String(d).padStart(4, '0')}`]))).toBe(valueAt(i, d));
    } finally {
      await database.dataSource.query(`UPDATE compounds SET moa = NULL WHERE name = 'BENCH'`);
    }
  });

  it('exportRun writes into the data directory for a writer key, and refuses without one', async () => {
    const mutation = `mutation ($run: ID!) { exportRun(run: $run, what: PROFILES, format: PARQUET) { path bytes rows } }`;
    const run = (principal: unknown) => execute({ schema, source: mutation, variableValues: { run: runId }, contextValue: { principal, services } });
    const answer = await run({ role: 'writer', keyId: 'k' });
    expect(answer.errors).toBeUndefined();
    const file = answer.data!.exportRun as { path: string; bytes: number; rows: number };
    expect(file).toMatchObject({ path: `exports/${runId}-profiles.parquet`, rows: 2 });
    expect((await fs.stat(path.join(dataDir, file.path))).size).toBe(file.bytes);
    expect((await fs.readdir(path.join(dataDir, 'exports'))).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect((await run(undefined)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await run({ role: 'reader', keyId: 'k' })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('answers NOT_FOUND for an unknown run and BAD_USER_INPUT for an unknown kind, and leaves no file', async () => {
    const out = path.join(dataDir, 'nothing.parquet');
    await expect(services.exports.exportToFile({ run: '00000000-0000-0000-0000-000000000000', what: 'embeddings', format: 'parquet' }, out)).rejects.toMatchObject({
      extensions: { code: 'NOT_FOUND' },
    });
    await expect(services.exports.exportToFile({ run: runId, what: 'images', format: 'parquet' }, out)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    await expect(services.exports.exportToFile({ run: runId, what: 'embeddings', format: 'xlsx' }, out)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    await expect(fs.stat(out)).rejects.toThrow();
  });

  it('leaves neither the file nor a temporary behind when an export fails midway', async () => {
    const out = path.join(dataDir, 'failed.parquet');
    // a vector of the wrong length: found only when its page is read, after the file was begun
    await database.dataSource.query(`UPDATE embeddings SET vector = '\\x0000803f'::bytea WHERE run_id = $1 AND image_id = $2`, [runId, imageIds.at(-1)]);
    await expect(services.exports.exportToFile({ run: runId, what: 'embeddings', format: 'parquet' }, out)).rejects.toThrow(/a stored vector of 2048 dimensions must be 8192 \(float32\) or 4096 \(float16\) bytes, got 4/);
    expect((await fs.readdir(dataDir)).filter((name) => name.startsWith('failed.parquet'))).toEqual([]);
  });
});
