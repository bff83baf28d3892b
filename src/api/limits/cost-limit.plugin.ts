import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import type { ApiLimits } from '../../config';
import { ERROR_CODES } from '../../errors/app-errors';

/** A list field costs its page size times what each item asks for. */
const pageSizeEstimator: ComplexityEstimator = ({ args, childComplexity }) =>
  typeof args.first === 'number' ? 1 + args.first * childComplexity : undefined;

/**
 * Refuses operations estimated to cost more than the cost limit, before anything is resolved
 * (it needs the variables, so it runs once the operation is known rather than in validation).
 */
export function costLimitPlugin(schema: GraphQLSchema, limits: ApiLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const cost = getComplexity({
            schema,
            query: document,
            variables: request.variables,
            operationName: request.operationName,
            estimators: [pageSizeEstimator, simpleEstimator({ defaultComplexity: 1 })],
          });
          if (cost > limits.maxCost) {
            throw refusal(`query cost ${cost} exceeds the cost limit of ${limits.maxCost}: ask for fewer fields or smaller pages`, ERROR_CODES.queryTooComplex);
          }
        },
      };
    },
  };
}

function refusal(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
}
