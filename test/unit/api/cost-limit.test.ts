import fs from 'node:fs';
import path from 'node:path';
import type { GraphQLRequestContextDidResolveOperation, GraphQLRequestListener } from '@apollo/server';
import { getOperationAST, parse, type GraphQLError } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { costLimitPlugin, costVariables } from '../../../src/api/limits/cost-limit.plugin';
import { buildApiSchema } from '../../../src/api/schema';
import type { RequestContext } from '../../../src/api/context';

const LIMITS = { maxDepth: 12, maxCost: 20_000, maxPageSize: 100, maxBodyBytes: 1_048_576 };
const RUN = '00000000-0000-0000-0000-000000000000';

describe('costVariables', () => {
  it('names the variables of page sizes, k, vectors and directives, not the others', () => {
    const document = parse(`query ($run: ID!, $image: ID!, $n: Int, $withRuns: Boolean!, $page: Int, $v: [Float!]) {
      nearestImages(run: $run, image: $image, k: $n) { imageId }
      byVector: nearestImages(run: $run, vector: $v) { imageId }
      runs(first: $page) @include(if: $withRuns) { edges { node { id } } }
    }`);
    expect(costVariables(document)).toEqual(['n', 'page', 'v', 'withRuns']);
  });

  it('is empty when the cost cannot depend on variables', () => {
    expect(costVariables(parse('query ($run: ID!, $image: ID!) { nearestImages(run: $run, image: $image) { imageId distance } }'))).toEqual([]);
  });
});

describe('the cost limit', () => {
  let listener: GraphQLRequestListener<RequestContext>;

  /** The plugin's verdict: undefined when the operation may run, else the refusal's code and message. */
  const verdict = async (query: string, variables: Record<string, unknown> = {}, operationName?: string) => {
    const document = parse(query);
    const operation = getOperationAST(document, operationName) ?? undefined;
    const context = { request: { query, variables, operationName }, document, operation } as unknown as GraphQLRequestContextDidResolveOperation<RequestContext>;
    try {
      await listener.didResolveOperation!(context);
      return undefined;
    } catch (error) {
      return { code: (error as GraphQLError).extensions.code, message: (error as Error).message };
    }
  };

  beforeAll(async () => {
    const schema = await buildApiSchema({ requireReaderForQueries: false });
    listener = (await costLimitPlugin(schema, LIMITS).requestDidStart!({} as never)) as GraphQLRequestListener<RequestContext>;
  });

  it('counts k and aliases: a thousand nearestImages(k: 100) are refused, one is not', async () => {
    const one = `nearestImages(run: "${RUN}", image: "1", k: 100) { imageId distance }`;
    expect(await verdict(`{ ${one} }`)).toBeUndefined();
    const many = `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: ${one}`).join(' ')} }`;
    expect(await verdict(many)).toMatchObject({ code: 'QUERY_TOO_COMPLEX', message: expect.stringMatching(/^query cost 201000 exceeds the cost limit of 20000/) });
    expect(await verdict(`query ($k: Int!) { ${Array.from({ length: 100 }, (_, i) => `a${i}: nearestCompounds(run: "${RUN}", compound: "x", cellLine: "y", k: $k) { distance compound { name } }`).join(' ')} }`, { k: 100 })).toMatchObject({ code: 'QUERY_TOO_COMPLEX' });
  });

  it('counts the length of a query vector, and vectors in answers', async () => {
    const query = `query ($v: [Float!]) { ${['a', 'b', 'c', 'd'].map((alias) => `${alias}: nearestImages(run: "r", vector: $v, k: 1) { imageId }`).join(' ')} }`;
    expect(await verdict(query, { v: new Array(2048).fill(0) })).toBeUndefined();
    expect(await verdict(query, { v: new Array(400_000).fill(0) })).toMatchObject({ code: 'QUERY_TOO_COMPLEX' });
    const vectors = `{ ${Array.from({ length: 700 }, (_, i) => `e${i}: embedding(run: "r", image: "${i}") { vector }`).join(' ')} }`;
    expect(await verdict(vectors)).toMatchObject({ code: 'QUERY_TOO_COMPLEX' });
  });

  it('does not let a negative page size pay for other fields', async () => {
    const costly = Array.from({ length: 40 }, (_, i) => `a${i}: runs(first: 100) { edges { node { id setup { name } screen { name } } } }`).join(' ');
    expect(await verdict(`{ ${costly} }`)).toMatchObject({ code: 'QUERY_TOO_COMPLEX' });
    expect(await verdict(`{ ${costly} discount: runs(first: -1000000000) { edges { node { id } } } }`)).toMatchObject({ code: 'QUERY_TOO_COMPLEX' });
  });

  it('weighs computations over a whole run: many aliases of one are refused', async () => {
    expect(await verdict(`{ classification(run: "${RUN}") { runId } }`)).toBeUndefined();
    expect(await verdict(`{ ${Array.from({ length: 300 }, (_, i) => `c${i}: classification(run: "${RUN}") { runId }`).join(' ')} }`)).toMatchObject({ code: 'QUERY_TOO_COMPLEX' });
  });

  it('refuses a document with more selections than it estimates, as too complex', async () => {
    const huge = `{ ${Array.from({ length: 12_000 }, (_, i) => `t${i}: __typename`).join(' ')} }`;
    expect(await verdict(huge)).toMatchObject({ code: 'QUERY_TOO_COMPLEX', message: expect.stringMatching(/more than 10000 selections/) });
  });

  it('leaves bad variables and unknown operation names to execution, which refuses them as the client error they are', async () => {
    const query = 'query Page ($n: Int!, $metric: DistanceMetric!) { nearestImages(run: "r", image: "1", k: $n, metric: $metric) { imageId } }';
    for (const variables of [{ n: 'ten', metric: 'COSINE' }, { metric: 'COSINE' }, { n: 1, metric: 'MANHATTAN' }, { n: 2 ** 40, metric: 'COSINE' }, { n: null, metric: 'COSINE' }]) {
      expect(await verdict(query, variables)).toBeUndefined();
    }
    expect(await verdict('{ setups { totalCount } }', {}, 'Named')).toBeUndefined();
    expect(await verdict(query, { n: 1, metric: 'COSINE' }, 'Other')).toBeUndefined();
  });

  it('keeps every query of the dashboard and the README walkthrough under the limit', async () => {
    const root = path.join(__dirname, '..', '..', '..');
    const dashboard = ['dashboard.js', 'heatmap.js'].map((file) => fs.readFileSync(path.join(root, 'src', 'api', 'dashboard', file), 'utf8')).join('\n');
    const dashboardQueries = [...dashboard.matchAll(/gql\(\s*(['`])([\s\S]*?)\1/g)].map((match) => match[2]);
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const walkthrough = readme.slice(readme.indexOf('\n## Walkthrough'), readme.indexOf('\n## ', readme.indexOf('\n## Walkthrough') + 5));
    const readmeQueries = [...walkthrough.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]);
    expect(dashboardQueries.length).toBeGreaterThanOrEqual(6);
    const variables = { sweep: 's', screen: 's', run: RUN, cellLine: 'c', compound: 'c', k: 100 };
    for (const query of [...dashboardQueries, ...readmeQueries]) expect(await verdict(query, variables), query).toBeUndefined();
  });
});
