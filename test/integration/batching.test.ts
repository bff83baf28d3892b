import { graphql } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestContext } from '../../src/api/context';
import { buildApiSchema } from '../../src/api/schema';
import { createDataSource } from '../../src/db/data-source';
import { runMigrations } from '../../src/db/migration.runner';
import { RunRepository } from '../../src/db/repositories/run.repository';
import { createLogger } from '../../src/logger';
import { createServices, type Services } from '../../src/services';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/test-database';

/** Every statement the data source sends to PostgreSQL, as TypeORM's query runner reports it. */
class StatementLog implements TypeOrmLogger {
  statements: string[] = [];
  logQuery(query: string) {
    this.statements.push(query);
  }
  logQueryError() {}
  logQuerySlow() {}
  logSchemaBuild() {}
  logMigration() {}
  log() {}
}

const EPOCH = { trainLoss: 0.5, validationLoss: null, wallSeconds: 1, cpuSeconds: 1, peakRssBytes: 1, peakTensorBytes: 1, gpuMemoryBytes: null, imagesSeen: 64, imagesPerSecond: 64 };

describe('per-row fields are batched per request (issue 15)', () => {
  let testDatabase: TestDatabase;
  let dataSource: DataSource;
  let services: Services;
  let schema: GraphQLSchema;
  const log = new StatementLog();

  beforeAll(async () => {
    testDatabase = await createTestDatabase('batching');
    dataSource = new DataSource({ ...createDataSource(testDatabase.url).options, logger: log });
    await dataSource.initialize();
    await runMigrations(dataSource, createLogger('silent'));
    const config = testConfig(testDatabase.url);
    services = createServices(config, { url: testDatabase.url, dataSource, embedded: false, close: async () => undefined }, { send: async () => null, unfinishedJobs: async () => [] });
    schema = await buildApiSchema({ requireReaderForQueries: false });
    await services.screens.generateAndRegister({ preset: 'tiny', seed: 3, name: 'tiny' });
    const runs = new RunRepository(dataSource);
    // 7 sweeps of the 16 learned setups and the 2 baselines: 126 runs, each with two finished epochs
    for (let sweep = 0; sweep < 7; sweep++) {
      const created = await services.sweeps.create({ screen: 'tiny', profile: 'quick', overrides: {} });
      for (const run of created.runs) for (const epoch of [1, 2]) await runs.recordEpoch(run.id, { ...EPOCH, epoch });
    }
  }, 120_000);
  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await testDatabase?.drop();
  });

  const statementsOf = async (source: string) => {
    log.statements = [];
    const result = await graphql({ schema, source, contextValue: createRequestContext(undefined, services) });
    expect(result.errors).toBeUndefined();
    return { data: result.data as any, statements: [...log.statements] };
  };

  it('answers 100 runs with their epochs, setup and screen in at most 5 SQL statements', async () => {
    const { data, statements } = await statementsOf('{ runs(first: 100) { edges { node { id epochs { epoch trainLoss } setup { name } screen { name } } } } }');
    const runs = data.runs.edges.map((edge: any) => edge.node);
    expect(runs).toHaveLength(100);
    for (const run of runs) {
      expect(run.epochs.map((epoch: any) => epoch.epoch)).toEqual([1, 2]);
      expect(run.setup.name).toMatch(/\//);
      expect(run.screen.name).toBe('tiny');
    }
    // the log sees each statement: the epochs of 100 runs are one of them, not 100
    expect(statements.filter((statement) => /FROM "run_epochs"/.test(statement))).toHaveLength(1);
    console.info(`100 runs with epochs, setup and screen: ${statements.length} SQL statements:\n${statements.map((statement) => statement.slice(0, 140)).join('\n')}`);
    expect(statements.length).toBeLessThanOrEqual(5);
  });

  it('counts the status of every sweep of a page in one statement', async () => {
    const { data, statements } = await statementsOf('{ sweeps(first: 7) { edges { node { id statusCounts { status count } } } } }');
    expect(data.sweeps.edges.map((edge: any) => edge.node.statusCounts)).toEqual(Array.from({ length: 7 }, () => [{ status: 'queued', count: 18 }]));
    expect(statements.filter((statement) => /GROUP BY sweep_id, status/.test(statement))).toHaveLength(1);
  });

  it('gives the runs a mutation made their setup and screen, batched', async () => {
    log.statements = [];
    const result = await graphql({
      schema,
      source: 'mutation { createSweep(screen: "tiny", setups: ["self-supervised/one-crop", "unsupervised/one-crop"]) { sweep { screen { name } } runs { setup { name } screen { name } } } }',
      contextValue: createRequestContext({ role: 'writer', keyId: 'w' }, services),
    });
    expect(result.errors).toBeUndefined();
    const created = (result.data as any).createSweep;
    expect(created.sweep).toEqual({ screen: { name: 'tiny' } });
    expect(created.runs.map((run: any) => `${run.setup.name} on ${run.screen.name}`).sort()).toEqual(['baseline/classical on tiny', 'baseline/untrained on tiny', 'self-supervised/one-crop on tiny', 'unsupervised/one-crop on tiny']);
    // one to find the setups by name, one for the loader to fetch both by id
    expect(log.statements.filter((statement) => /FROM "setups"/.test(statement))).toHaveLength(2);
  });
});
