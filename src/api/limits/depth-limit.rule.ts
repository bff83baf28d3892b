import depthLimit from 'graphql-depth-limit';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import { ERROR_CODES, QueryLimitError } from '../../errors/app-errors';

/**
 * graphql-depth-limit as a validation rule whose refusals carry QUERY_TOO_DEEP: it runs in the
 * validation pass, so a deep query is refused even when it also names fields that do not exist.
 */
export function depthLimitRule(maxDepth: number): ValidationRule {
  const rule = depthLimit(maxDepth);
  return (context: ValidationContext) => {
    const reporting = new Proxy(context, {
      get(target, property) {
        if (property === 'reportError') {
          return (error: GraphQLError) =>
            target.reportError(
              new GraphQLError(`${error.message} (the depth limit)`, { nodes: error.nodes, originalError: new QueryLimitError(error.message, ERROR_CODES.queryTooDeep) }),
            );
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    rule(reporting);
    return {};
  };
}
