import type { ApolloServerPlugin } from '@apollo/server';
import { ERROR_CODES } from '../../errors/app-errors';

/** The HTTP status of an answer whose errors all say the key is missing or too small. */
const STATUS_BY_CODE: ReadonlyMap<unknown, number> = new Map([
  [ERROR_CODES.unauthenticated, 401],
  [ERROR_CODES.forbidden, 403],
]);

/**
 * Field errors leave an answer at HTTP 200, so a mutation refused for its key would too: when
 * every error of an answer is UNAUTHENTICATED (or every one FORBIDDEN), the status says so, as
 * it does for a bad key. An answer mixing other errors keeps its status: part of it may stand.
 */
export function authStatusPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const codes = new Set(response.body.singleResult.errors?.map((error) => error.extensions?.code));
          const status = codes.size === 1 ? STATUS_BY_CODE.get([...codes][0]) : undefined;
          if (status !== undefined) response.http.status = status;
        },
      };
    },
  };
}
