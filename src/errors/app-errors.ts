/** Errors the API shows to clients with a stable extensions.code; the CLI maps the input errors to exit code 2. */
import { GraphQLError } from 'graphql';

/** Stable codes clients can rely on; messages may change, codes do not. */
export const ERROR_CODES = {
  badUserInput: 'BAD_USER_INPUT',
  unauthenticated: 'UNAUTHENTICATED',
  forbidden: 'FORBIDDEN',
  notFound: 'NOT_FOUND',
  queryTooDeep: 'QUERY_TOO_DEEP',
  queryTooComplex: 'QUERY_TOO_COMPLEX',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  internal: 'INTERNAL_SERVER_ERROR',
} as const;

export class BadUserInputError extends GraphQLError {
  constructor(message: string, field?: string) {
    super(message, { extensions: { code: ERROR_CODES.badUserInput, ...(field ? { field } : {}) } });
  }
}

export class UnauthenticatedError extends GraphQLError {
  constructor(message = 'an API key is required: send it as "Authorization: Bearer <key>"') {
    super(message, { extensions: { code: ERROR_CODES.unauthenticated } });
  }
}

export class ForbiddenError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: ERROR_CODES.forbidden } });
  }
}

export class NotFoundError extends GraphQLError {
  constructor(kind: string, id: string) {
    super(`${kind} ${JSON.stringify(id)} not found`, { extensions: { code: ERROR_CODES.notFound } });
  }
}

/** A query refused for its shape (depth, cost) before it runs; `code` says which limit. */
export class QueryLimitError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}
