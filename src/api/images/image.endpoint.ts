import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import { ERROR_CODES, UnauthenticatedError } from '../../errors/app-errors';
import type { Services } from '../../services';

/** GET /images/<id>.png?channel=<name> */
export const IMAGE_ROUTE = /^\/images\/([^/]+)\.png$/;

const STATUS: Record<string, number> = { [ERROR_CODES.badUserInput]: 400, [ERROR_CODES.notFound]: 404, [ERROR_CODES.unauthenticated]: 401 };

/**
 * One channel of a screen image as PNG, for the dashboard's channel picker. It reads what the
 * GraphQL queries read, so it asks for a key whenever they do.
 */
export async function answerImage(request: IncomingMessage, response: ServerResponse, url: URL, services: Services, requireReader: boolean): Promise<void> {
  try {
    if (requireReader && !(await services.apiKeys.authenticate(request.headers.authorization))) {
      throw new UnauthenticatedError('images need an API key here: send it as "Authorization: Bearer <key>"');
    }
    const id = IMAGE_ROUTE.exec(url.pathname)?.[1] ?? '';
    const { png, channel, channels } = await services.imageFiles.channelPng(id, url.searchParams.get('channel'));
    response.statusCode = 200;
    response.setHeader('content-type', 'image/png');
    response.setHeader('content-length', png.length);
    response.setHeader('x-morphospace-channel', channel);
    response.setHeader('x-morphospace-channels', channels.join(','));
    response.end(request.method === 'HEAD' ? undefined : png);
  } catch (error) {
    const code = error instanceof GraphQLError ? String(error.extensions.code) : undefined;
    if (code === undefined || STATUS[code] === undefined) throw error;
    response.statusCode = STATUS[code];
    response.setHeader('content-type', 'application/json; charset=utf-8');
    response.end(JSON.stringify({ errors: [{ message: error instanceof Error ? error.message : String(error), extensions: { code } }] }));
  }
}
