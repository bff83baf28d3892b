import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MetricsAccess } from '../../config';
import { ERROR_CODES, UnauthenticatedError } from '../../errors/app-errors';
import type { Services } from '../../services';
import type { ApiMetrics } from './api.metrics';

/** GET /metrics: the Prometheus text format, to anyone or to a request with an API key of any role, as configured. */
export async function answerMetrics(request: IncomingMessage, response: ServerResponse, metrics: ApiMetrics, access: MetricsAccess, services: Services): Promise<void> {
  if (access === 'reader') {
    const refusal = await keyRefusal(services, request.headers.authorization);
    if (refusal) {
      response.statusCode = 401;
      response.setHeader('content-type', 'application/json; charset=utf-8');
      response.setHeader('www-authenticate', 'Bearer');
      response.end(JSON.stringify({ errors: [{ message: refusal, extensions: { code: ERROR_CODES.unauthenticated } }] }));
      return;
    }
  }
  const body = await metrics.exposition();
  response.statusCode = 200;
  response.setHeader('content-type', metrics.contentType);
  response.setHeader('cache-control', 'no-store');
  response.end(request.method === 'HEAD' ? undefined : body);
}

async function keyRefusal(services: Services, authorization: string | undefined): Promise<string | undefined> {
  try {
    const principal = await services.apiKeys.authenticate(authorization);
    return principal ? undefined : '/metrics needs an API key here: send it as "Authorization: Bearer <key>"';
  } catch (error) {
    if (error instanceof UnauthenticatedError) return error.message;
    throw error;
  }
}
