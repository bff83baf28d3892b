import { GraphQLError, Kind, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql';
import { ERROR_CODES, QueryLimitError } from '../../errors/app-errors';

/**
 * Fragment spreads and inline fragments nest without adding depth: past this many nestings a
 * document is refused as too deep rather than walked further, so no document can exhaust the stack.
 */
const NESTING_LIMIT = 256;

/**
 * The depth limit as a validation rule whose refusals carry QUERY_TOO_DEEP. It runs in the
 * validation pass beside graphql-js's own rules, so it must survive documents those rules refuse:
 * a fragment cycle counts as no depth (NoFragmentCyclesRule reports it), an unknown fragment too,
 * and each fragment is measured once, so spreads that fan out cannot make the walk exponential.
 * Depth counts nested selection sets as graphql-depth-limit did: `{ a { b } }` is 1; fields
 * starting with __ (introspection) count nothing.
 */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext) => {
    const document = context.getDocument();
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const measure = new DepthMeasure(fragments);
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      if (measure.depth(definition.selectionSet, 0) <= maxDepth) continue;
      const message = `'${definition.name?.value ?? ''}' exceeds maximum operation depth of ${maxDepth}`;
      context.reportError(new GraphQLError(`${message} (the depth limit)`, { nodes: definition, originalError: new QueryLimitError(message, ERROR_CODES.queryTooDeep) }));
    }
    return {};
  };
}

class DepthMeasure {
  private readonly measured = new Map<string, number>();
  private readonly entered = new Set<string>();

  constructor(private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>) {}

  depth(selectionSet: SelectionSetNode, nesting: number): number {
    if (nesting > NESTING_LIMIT) return Number.POSITIVE_INFINITY;
    let deepest = 0;
    for (const selection of selectionSet.selections) {
      let depth = 0;
      if (selection.kind === Kind.FIELD) {
        if (selection.selectionSet && !selection.name.value.startsWith('__')) depth = 1 + this.depth(selection.selectionSet, nesting + 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        depth = this.depth(selection.selectionSet, nesting + 1);
      } else {
        depth = this.fragmentDepth(selection.name.value, nesting);
      }
      deepest = Math.max(deepest, depth);
    }
    return deepest;
  }

  private fragmentDepth(name: string, nesting: number): number {
    const known = this.measured.get(name);
    if (known !== undefined) return known;
    const fragment = this.fragments.get(name);
    if (!fragment || this.entered.has(name)) return 0;
    this.entered.add(name);
    const depth = this.depth(fragment.selectionSet, nesting + 1);
    this.entered.delete(name);
    this.measured.set(name, depth);
    return depth;
  }
}
