import type { ComplexityEstimator } from 'graphql-query-complexity';
import { REPRESENTATION_DIM } from '../../training/networks/encoder';

/** Values of a vector (asked for or sent) per cost unit: 2048 values cost 32. */
export const VECTOR_VALUES_PER_COST = 64;

/**
 * Queries that compute over a whole run or sweep (evaluation results, comparisons, clustering
 * when not stored): a thousand aliases of one would be a thousand such computations.
 */
export const ROOT_FIELD_COSTS: Readonly<Record<string, number>> = {
  similarity: 100,
  classification: 100,
  meanAveragePrecision: 100,
  moaAccuracy: 100,
  clustering: 200,
  compareResources: 100,
  comparisonReport: 200,
  // decodes and embeds an image before its neighbour search
  nearestCompoundsForImage: 100,
};

/** A size from an argument: only finite counts, and never below 0, so no field can lower another's cost. */
function size(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, value) : undefined;
}

/**
 * A list field costs its size (`first` of a page, `k` of a neighbour search) times what each
 * item asks for, plus the query vector it reads; a root computation costs its weight; a
 * representation vector in an answer costs its length.
 */
export const fieldCostEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  const items = size(args.first) ?? size(args.k);
  if (items !== undefined) {
    const vector = Array.isArray(args.vector) ? Math.ceil(args.vector.length / VECTOR_VALUES_PER_COST) : 0;
    const computation = type.name === 'Query' ? (ROOT_FIELD_COSTS[field.name] ?? 0) : 0;
    return 1 + items * childComplexity + vector + computation;
  }
  if (type.name === 'Query' && ROOT_FIELD_COSTS[field.name] !== undefined) return ROOT_FIELD_COSTS[field.name] + childComplexity;
  if (field.name === 'vector') return Math.ceil(REPRESENTATION_DIM / VECTOR_VALUES_PER_COST);
  return undefined;
};
