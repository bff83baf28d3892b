import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { GraphQLError } from 'graphql';
import { ERROR_CODES, UnauthenticatedError } from '../errors/app-errors';
import type { Services } from '../services';
import { createRequestContext, type RequestContext } from './context';
import { authStatusPlugin } from './errors/auth-status.plugin';
import { createErrorFormatter } from './errors/format-error';
import { specStatus } from './errors/request-error-status';
import { costLimitPlugin } from './limits/cost-limit.plugin';
import { depthLimitRule } from './limits/depth-limit.rule';
import { MAX_NESTING, nestingRefusal } from './limits/nesting-limit';
import { buildApiSchema } from './schema';
import { DashboardFiles } from './dashboard/static-files';
import { answerImage, IMAGE_ROUTE } from './images/image.endpoint';
import { routeLabel, type ApiMetrics } from './metrics/api.metrics';
import { answerMetrics } from './metrics/metrics.endpoint';
import { attachSubscriptionServer } from './subscriptions/subscription.server';

/** What /healthz asks of the process: each check resolves true when its system answers. */
export interface HealthChecks {
  database: () => Promise<boolean>;
  queue: () => Promise<boolean>;
}

export interface RunningApi {
  url: string;
  port: number;
  close(): Promise<void>;
}

class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The API over node:http: POST/GET /graphql, subscriptions on a WebSocket at /graphql, GET /healthz, GET /metrics and GET /images/<id>.png. */
export async function startApiServer(config: Config, services: Services, health: HealthChecks, logger: Logger, metrics: ApiMetrics): Promise<RunningApi> {
  const schema = await buildApiSchema({ requireReaderForQueries: config.requireReaderForQueries });
  const apollo = new ApolloServer<RequestContext>({
    schema,
    formatError: createErrorFormatter(logger),
    includeStacktraceInErrorResponses: false,
    // keys travel in the Authorization header, which browsers never attach on their own: no CSRF to prevent
    csrfPrevention: false,
    // the process owns shutdown order (API, then jobs, then database); Apollo would re-raise the signal
    stopOnTerminationSignals: false,
    validationRules: [depthLimitRule(config.limits.maxDepth)],
    // no cache hints in this schema: Apollo's cache-control plugin would only wrap every field's
    // resolver to conclude "no-store", which handleGraphql sends for every answer anyway
    plugins: [costLimitPlugin(schema, config.limits), authStatusPlugin(), metrics.graphqlPlugin(), ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled()],
    logger: { debug: () => undefined, info: () => undefined, warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
  });
  await apollo.start();

  const handleGraphql = async (request: IncomingMessage, response: ServerResponse, url: URL) => {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    if (request.method === 'POST' && !isJsonMediaType(request.headers['content-type'])) {
      throw new HttpRefusal(415, 'UNSUPPORTED_MEDIA_TYPE', 'a POST to /graphql needs content-type: application/json');
    }
    const body = request.method === 'POST' ? await readJsonBody(request, config.limits.maxBodyBytes) : undefined;
    const query = body === undefined ? url.searchParams.get('query') : (body as { query?: unknown } | null)?.query;
    const tooDeep = nestingRefusal(query, MAX_NESTING);
    if (tooDeep) throw new HttpRefusal(400, ERROR_CODES.queryTooDeep, tooDeep);
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.search, body },
      context: async () => createRequestContext(await authenticate(services, request.headers.authorization), services),
    });
    // answers depend on the key and on data that changes: never cached by browsers or proxies
    response.setHeader('cache-control', 'no-store');
    for (const [name, value] of result.headers) response.setHeader(name, value);
    if (result.body.kind === 'complete') {
      response.statusCode = specStatus(result.status ?? 200, result.headers.get('content-type'), result.body.string);
      response.end(result.body.string);
      return;
    }
    response.statusCode = result.status ?? 200;
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
  };

  const handleHealth = async (response: ServerResponse) => {
    const [database, queue] = await Promise.all([health.database().catch(() => false), health.queue().catch(() => false)]);
    const ok = database && queue;
    sendJson(response, ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable', database: database ? 'ok' : 'unreachable', queue: queue ? 'ok' : 'unreachable' });
  };

  const dashboard = new DashboardFiles();
  const handleDashboard = async (response: ServerResponse, pathname: string, method: string) => {
    const file = await dashboard.read(pathname);
    if (!file) throw new HttpRefusal(404, ERROR_CODES.notFound, `no file ${pathname}`);
    response.statusCode = 200;
    response.setHeader('content-type', file.contentType);
    response.setHeader('content-length', file.body.length);
    response.end(method === 'HEAD' ? undefined : file.body);
  };

  const server = http.createServer((request, response) => {
    const started = performance.now();
    const url = new URL(request.url ?? '/', 'http://localhost');
    response.on('finish', () => {
      metrics.observeHttp(request.method ?? 'GET', routeLabel(url.pathname, dashboard.serves(url.pathname)), response.statusCode, (performance.now() - started) / 1000);
      logger.info({ method: request.method, path: url.pathname, status: response.statusCode, durationMs: Math.round(performance.now() - started) }, 'request');
    });
    const route = async () => {
      if (url.pathname === '/healthz' && (request.method === 'GET' || request.method === 'HEAD')) return handleHealth(response);
      if (url.pathname === '/metrics' && (request.method === 'GET' || request.method === 'HEAD')) return answerMetrics(request, response, metrics, config.metrics, services);
      if (IMAGE_ROUTE.test(url.pathname) && (request.method === 'GET' || request.method === 'HEAD')) return answerImage(request, response, url, services, config.requireReaderForQueries);
      if (dashboard.serves(url.pathname) && (request.method === 'GET' || request.method === 'HEAD')) return handleDashboard(response, url.pathname, request.method);
      if (url.pathname === '/graphql') {
        if (request.method !== 'GET' && request.method !== 'POST') throw new HttpRefusal(405, 'METHOD_NOT_ALLOWED', 'use GET or POST on /graphql');
        return handleGraphql(request, response, url);
      }
      throw new HttpRefusal(404, ERROR_CODES.notFound, `no route for ${request.method} ${url.pathname}; the API is at /graphql`);
    };
    route().catch((error: unknown) => {
      if (error instanceof HttpRefusal) {
        sendJson(response, error.status, { errors: [{ message: error.message, extensions: { code: error.code } }] });
        return;
      }
      logger.error({ err: error }, 'unexpected error handling request');
      if (!response.headersSent) sendJson(response, 500, { errors: [{ message: 'Internal server error', extensions: { code: ERROR_CODES.internal } }] });
      else response.destroy();
    });
  });

  const subscriptions = attachSubscriptionServer(server, schema, config, services, logger);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host}:${port}`;
  return {
    url,
    port,
    async close() {
      await subscriptions.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await apollo.stop();
    },
  };
}

/** A bad key refuses the whole request, with 401 rather than the 500 Apollo gives context failures. */
async function authenticate(services: Services, authorization: string | undefined) {
  try {
    return await services.apiKeys.authenticate(authorization);
  } catch (error) {
    if (!(error instanceof UnauthenticatedError)) throw error;
    throw new GraphQLError(error.message, { extensions: { code: ERROR_CODES.unauthenticated, http: { status: 401 } } });
  }
}

async function readJsonBody(request: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new HttpRefusal(400, 'BAD_REQUEST', 'the request body is empty: send {"query": "..."}');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpRefusal(400, 'BAD_REQUEST', `the request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** The spec's one request media type; parameters such as charset=utf-8 may follow it. */
function isJsonMediaType(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

function tooLarge(limit: number): HttpRefusal {
  return new HttpRefusal(413, ERROR_CODES.payloadTooLarge, `the request body exceeds the limit of ${limit} bytes`);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.end(JSON.stringify(body));
}
