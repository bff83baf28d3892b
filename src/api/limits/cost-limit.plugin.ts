import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, visit, type DocumentNode, type GraphQLSchema, type ValueNode } from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import type { ApiLimits } from '../../config';
import { ERROR_CODES } from '../../errors/app-errors';

/** A list field costs its page size times what each item asks for. */
const pageSizeEstimator: ComplexityEstimator = ({ args, childComplexity }) =>
  typeof args.first === 'number' ? 1 + args.first * childComplexity : undefined;

/** Distinct costs remembered per document (operation name x cost-relevant variable values). */
const COSTS_PER_DOCUMENT = 64;

/**
 * Refuses operations estimated to cost more than the cost limit, before anything is resolved
 * (it needs the variables, so it runs once the operation is known rather than in validation).
 * The estimate walks the whole document with type information, a good share of a cheap query's
 * time: it is remembered per parsed document (Apollo's document store hands back the same
 * object for the same query text) and per value of the only variables a cost can depend on.
 */
export function costLimitPlugin(schema: GraphQLSchema, limits: ApiLimits): ApolloServerPlugin {
  const costs = new WeakMap<DocumentNode, { variables: string[]; byKey: Map<string, number> }>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          let known = costs.get(document);
          if (!known) {
            known = { variables: costVariables(document), byKey: new Map() };
            costs.set(document, known);
          }
          const values = request.variables ?? {};
          const key = JSON.stringify([request.operationName ?? null, ...known.variables.map((name) => values[name] ?? null)]);
          let cost = known.byKey.get(key);
          if (cost === undefined) {
            cost = getComplexity({
              schema,
              query: document,
              variables: request.variables,
              operationName: request.operationName,
              estimators: [pageSizeEstimator, simpleEstimator({ defaultComplexity: 1 })],
            });
            if (known.byKey.size >= COSTS_PER_DOCUMENT) known.byKey.clear();
            known.byKey.set(key, cost);
          }
          if (cost > limits.maxCost) {
            throw refusal(`query cost ${cost} exceeds the cost limit of ${limits.maxCost}: ask for fewer fields or smaller pages`, ERROR_CODES.queryTooComplex);
          }
        },
      };
    },
  };
}

/**
 * The variables an estimate reads: those inside `first` arguments (the page size estimator)
 * and inside directive arguments (@include/@skip decide which fields count). Any other
 * variable, such as the query image of nearestImages, leaves the cost unchanged.
 */
export function costVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  const collect = (value: ValueNode) => visit(value, { Variable: (node) => void names.add(node.name.value) });
  visit(document, {
    Field: (node) => node.arguments?.filter((argument) => argument.name.value === 'first').forEach((argument) => collect(argument.value)),
    Directive: (node) => node.arguments?.forEach((argument) => collect(argument.value)),
  });
  return [...names].sort();
}

function refusal(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
}
