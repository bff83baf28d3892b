import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, getVariableValues, visit, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type ValueNode } from 'graphql';
import { getComplexity, simpleEstimator } from 'graphql-query-complexity';
import type { ApiLimits } from '../../config';
import { ERROR_CODES } from '../../errors/app-errors';
import { fieldCostEstimator } from './cost-estimators';

/** Distinct costs remembered per document (operation name x cost-relevant variable values). */
const COSTS_PER_DOCUMENT = 64;

/** Field selections the estimate walks at most (graphql-query-complexity's own bound); more is too complex. */
const MAX_ESTIMATED_NODES = 10_000;

/** The arguments whose values change a cost (see fieldCostEstimator). */
const COST_ARGUMENTS = new Set(['first', 'k', 'vector']);

/**
 * Refuses operations estimated to cost more than the cost limit, before anything is resolved
 * (it needs the variables, so it runs once the operation is known rather than in validation).
 * Apollo has validated the document by then but not the variables, and has not checked that
 * an operationName names an operation: a request with either problem is left to execution,
 * which refuses it with the client's error (400) before any resolver runs.
 * The estimate walks the whole document with type information, a good share of a cheap query's
 * time: it is remembered per parsed document (Apollo's document store hands back the same
 * object for the same query text) and per value of the only variables a cost can depend on.
 */
export function costLimitPlugin(schema: GraphQLSchema, limits: ApiLimits): ApolloServerPlugin {
  const costs = new WeakMap<DocumentNode, { variables: string[]; byKey: Map<string, number> }>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation }) {
          if (!operation) return;
          const values = request.variables ?? {};
          if (getVariableValues(schema, operation.variableDefinitions ?? [], values).errors) return;
          let known = costs.get(document);
          if (!known) {
            known = { variables: costVariables(document), byKey: new Map() };
            costs.set(document, known);
          }
          const key = JSON.stringify([operation.name?.value ?? null, ...known.variables.map((name) => values[name] ?? null)]);
          let cost = known.byKey.get(key);
          if (cost === undefined) {
            cost = estimate(schema, document, operation, values);
            if (known.byKey.size >= COSTS_PER_DOCUMENT) known.byKey.clear();
            known.byKey.set(key, cost);
          }
          if (cost > limits.maxCost) {
            const shown = Number.isFinite(cost) ? `query cost ${cost}` : `a query of more than ${MAX_ESTIMATED_NODES} selections`;
            throw refusal(`${shown} exceeds the cost limit of ${limits.maxCost}: ask for fewer fields, aliases, smaller pages or a smaller k`, ERROR_CODES.queryTooComplex);
          }
        },
      };
    },
  };
}

/** The operation's estimated cost; Infinity when it has more selections than the estimate walks. */
function estimate(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): number {
  try {
    return getComplexity({
      schema,
      query: document,
      variables,
      operationName: operation.name?.value,
      maxQueryNodes: MAX_ESTIMATED_NODES,
      estimators: [fieldCostEstimator, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (error) {
    if (error instanceof GraphQLError && /maximum allowed number of nodes/.test(error.message)) return Number.POSITIVE_INFINITY;
    throw error;
  }
}

/**
 * The variables an estimate reads: those inside the arguments a cost depends on (page size,
 * k, a query vector) and inside directive arguments (@include/@skip decide which fields
 * count). Any other variable, such as the query image of nearestImages, leaves the cost unchanged.
 */
export function costVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  const collect = (value: ValueNode) => visit(value, { Variable: (node) => void names.add(node.name.value) });
  visit(document, {
    Field: (node) => node.arguments?.filter((argument) => COST_ARGUMENTS.has(argument.name.value)).forEach((argument) => collect(argument.value)),
    Directive: (node) => node.arguments?.forEach((argument) => collect(argument.value)),
  });
  return [...names].sort();
}

function refusal(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
}
