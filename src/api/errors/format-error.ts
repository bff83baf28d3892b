import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from 'pino';
import { GraphQLError } from 'graphql';
import { ERROR_CODES, QueryLimitError } from '../../errors/app-errors';

/** Codes Apollo and graphql-js give to the client's own mistakes: shown as they are. */
const CLIENT_ERROR_CODES = new Set<string>([
  ...Object.values(ERROR_CODES).filter((code) => code !== ERROR_CODES.internal),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * Errors we raised on purpose reach the client with their code; anything else is logged in
 * full and shown as INTERNAL_SERVER_ERROR, without stack, SQL or message.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // Apollo recodes every validation error GRAPHQL_VALIDATION_FAILED; a limit keeps its own code
    if (error instanceof GraphQLError && error.originalError instanceof QueryLimitError) {
      return { ...formatted, extensions: { code: error.originalError.code } };
    }
    const code = formatted.extensions?.code;
    // Apollo codes anything that is not a GraphQLError INTERNAL_SERVER_ERROR, so a code here was given on purpose
    if (typeof code === 'string' && CLIENT_ERROR_CODES.has(code)) {
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    logger.error({ err: unwrapResolverError(error), path: formatted.path }, 'unexpected error in GraphQL request');
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ERROR_CODES.internal },
    };
  };
}
