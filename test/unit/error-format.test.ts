import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createErrorFormatter } from '../../src/api/errors/format-error';
import { BadUserInputError, ERROR_CODES, NotFoundError, QueryLimitError } from '../../src/errors/app-errors';
import { createLogger } from '../../src/logger';

const format = createErrorFormatter(createLogger('silent'));

describe('error formatting', () => {
  it('shows our errors with their stable codes', () => {
    const error = new BadUserInputError('k must be at most 100', 'k');
    expect(format({ message: error.message, extensions: { ...error.extensions, stacktrace: ['x'] } }, error)).toEqual({
      message: 'k must be at most 100',
      extensions: { code: 'BAD_USER_INPUT', field: 'k' },
    });
    const missing = new NotFoundError('run', 'r1');
    expect(format({ message: missing.message, extensions: missing.extensions }, missing).extensions?.code).toBe('NOT_FOUND');
  });

  it('hides anything unexpected behind INTERNAL_SERVER_ERROR, without its message', () => {
    const original = new Error('duplicate key value violates unique constraint "secret_table_pkey"');
    const wrapped = new GraphQLError(original.message, { originalError: original, extensions: { code: ERROR_CODES.internal } });
    const formatted = format({ message: wrapped.message, path: ['runs'], extensions: { code: ERROR_CODES.internal, stacktrace: ['at pg'] } }, wrapped);
    expect(formatted).toEqual({ message: 'Internal server error', path: ['runs'], locations: undefined, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('keeps the code of a query limit through Apollo recoding validation errors', () => {
    const limit = new GraphQLError('too deep', { originalError: new QueryLimitError('too deep', ERROR_CODES.queryTooDeep) });
    expect(format({ message: 'too deep', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }, limit).extensions).toEqual({ code: 'QUERY_TOO_DEEP' });
  });
});
