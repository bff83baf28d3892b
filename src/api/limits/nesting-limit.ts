/**
 * graphql-js parses and validates recursively: a document nesting brackets some thousands deep
 * (selection sets, inline fragments, list or object values) overflows the stack in the parser or
 * in a validation rule, and Apollo answers a throw in validation, or in any plugin hook before
 * it, with 500. So the HTTP layer scans the query text before Apollo sees it (linear, a small
 * share of the parse) and refuses nesting far beyond anything the depth limit lets run.
 */
/** Brackets a document may nest: the depth limit's selection sets, arguments and their values, with room to spare. */
export const MAX_NESTING = 64;

export function nestingRefusal(query: unknown, maxNesting: number): string | undefined {
  if (typeof query !== 'string' || bracketNesting(query, maxNesting) <= maxNesting) return undefined;
  return `the document nests brackets more than ${maxNesting} deep (the depth limit)`;
}

/** The deepest nesting of {, [ and ( outside strings and comments; stops counting once past `stopAbove`. */
export function bracketNesting(source: string, stopAbove: number): number {
  let depth = 0;
  let deepest = 0;
  let i = 0;
  while (i < source.length && deepest <= stopAbove) {
    const char = source[i];
    if (char === '#') {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i += 1;
    } else if (source.startsWith('"""', i)) {
      i += 3;
      while (i < source.length && !source.startsWith('"""', i)) i += source.startsWith('\\"""', i) ? 4 : 1;
      i += 2;
    } else if (char === '"') {
      i += 1;
      while (i < source.length && source[i] !== '"' && source[i] !== '\n') i += source[i] === '\\' ? 2 : 1;
    } else if (char === '{' || char === '[' || char === '(') {
      depth += 1;
      deepest = Math.max(deepest, depth);
    } else if (char === '}' || char === ']' || char === ')') {
      depth -= 1;
    }
    i += 1;
  }
  return deepest;
}
