import type { Server } from 'node:http';
import { GraphQLError, getOperationAST, parse, specifiedRules, validate, type DocumentNode, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { handleProtocols } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { Principal } from '../../auth/api-key.service';
import type { Config } from '../../config';
import { ERROR_CODES, UnauthenticatedError } from '../../errors/app-errors';
import type { Services } from '../../services';
import type { RequestContext } from '../context';
import { createRequestLoaders } from '../loaders/request.loaders';
import { createErrorFormatter } from '../errors/format-error';
import { depthLimitRule } from '../limits/depth-limit.rule';
import { MAX_NESTING, nestingRefusal } from '../limits/nesting-limit';

/** Per socket: the key it connected with. */
type SocketExtra = { principal: Principal | undefined };

export interface SubscriptionServer {
  close(): Promise<void>;
}

/**
 * Subscriptions over graphql-ws on the HTTP server's /graphql (a WebSocket upgrade there). The
 * key travels in connectionParams as { authorization: "Bearer <key>" }: a bad key, or none when
 * reader keys are required, is refused with close code 4403 (Forbidden). Only subscriptions are
 * taken: queries and mutations go over HTTP, where the cost limit applies.
 */
export function attachSubscriptionServer(server: Server, schema: GraphQLSchema, config: Config, services: Services, logger: Logger): SubscriptionServer {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: config.limits.maxBodyBytes, handleProtocols: (protocols) => handleProtocols(protocols) });
  server.on('upgrade', (request, socket, head) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== '/graphql') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (webSocket) => sockets.emit('connection', webSocket, request));
  });
  const formatError = createErrorFormatter(logger);
  const format = (errors: readonly GraphQLError[]) => errors.map((error) => formatError(error.toJSON(), error));
  const rules = [...specifiedRules, depthLimitRule(config.limits.maxDepth)];

  const graphqlWs = useServer<Record<string, unknown> | undefined, SocketExtra>(
    {
      schema,
      onConnect: async (context) => {
        const authorization = context.connectionParams?.authorization;
        try {
          const principal = await services.apiKeys.authenticate(typeof authorization === 'string' ? authorization : undefined);
          if (principal === undefined && config.requireReaderForQueries) return false;
          context.extra.principal = principal;
          return true;
        } catch (error) {
          if (error instanceof UnauthenticatedError) return false;
          throw error;
        }
      },
      onSubscribe: (context, _id, payload): ExecutionArgs | GraphQLError[] => {
        const tooDeep = nestingRefusal(payload.query, MAX_NESTING);
        if (tooDeep) return [new GraphQLError(tooDeep, { extensions: { code: ERROR_CODES.queryTooDeep } })];
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [new GraphQLError((error as Error).message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
        }
        const invalid = validate(schema, document, rules);
        if (invalid.length > 0) return invalid.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED'));
        if (getOperationAST(document, payload.operationName)?.operation !== 'subscription') {
          return [new GraphQLError('only subscriptions are served over the socket: send queries and mutations as HTTP POST /graphql', { extensions: { code: 'BAD_REQUEST' } })];
        }
        // a subscription lives across many events: fresh loaders on each use, so no event is
        // answered from the cache of an earlier one
        const contextValue: RequestContext = {
          principal: context.extra.principal,
          services,
          get loaders() {
            return createRequestLoaders(services);
          },
        };
        return { schema, document, variableValues: payload.variables, operationName: payload.operationName, contextValue };
      },
      onNext: (_context, _id, _payload, _args, result) => (result.errors ? { ...result, errors: format(result.errors) } : result),
      onError: (_context, _id, _payload, errors) => format(errors),
      // an unexpected failure closes the socket with 4500 and no message: messages may hold internals
      isProd: true,
    },
    sockets,
  );

  return {
    async close() {
      await graphqlWs.dispose();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
    },
  };
}

/** Validation errors keep a limit's own code (the formatter reads it); the rest say they failed validation. */
function withCode(error: GraphQLError, code: string): GraphQLError {
  if (error.originalError || error.extensions.code) return error;
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { code } });
}
