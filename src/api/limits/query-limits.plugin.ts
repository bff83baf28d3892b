import type { ApolloServerPlugin } from '@apollo/server';
import depthLimit from 'graphql-depth-limit';
import { GraphQLError, validate, type GraphQLSchema } from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import type { ApiLimits } from '../../config';
import { ERROR_CODES } from '../../errors/app-errors';

/** A list field costs its page size times what each item asks for. */
const pageSizeEstimator: ComplexityEstimator = ({ args, childComplexity }) =>
  typeof args.first === 'number' ? 1 + args.first * childComplexity : undefined;

/**
 * Refuses operations nested deeper than the depth limit or estimated to cost more than the cost
 * limit, before anything is resolved. Each refusal is a 400 with its own code and the limit.
 */
export function queryLimitsPlugin(schema: GraphQLSchema, limits: ApiLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const tooDeep = validate(schema, document, [depthLimit(limits.maxDepth)]);
          if (tooDeep.length > 0) {
            throw refusal(`${tooDeep[0].message} (the depth limit)`, ERROR_CODES.queryTooDeep);
          }
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
