import { parse, specifiedRules, validate } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { depthLimitRule } from '../../../src/api/limits/depth-limit.rule';
import { bracketNesting } from '../../../src/api/limits/nesting-limit';
import { buildApiSchema } from '../../../src/api/schema';
import { QueryLimitError } from '../../../src/errors/app-errors';

type Schema = Awaited<ReturnType<typeof buildApiSchema>>;

describe('the depth limit rule', () => {
  let schema: Schema;
  const check = (query: string, maxDepth = 12) => validate(schema, parse(query), [...specifiedRules, depthLimitRule(maxDepth)]);
  const depthErrors = (query: string, maxDepth = 12) => check(query, maxDepth).filter((error) => error.originalError instanceof QueryLimitError);

  beforeAll(async () => {
    schema = await buildApiSchema({ requireReaderForQueries: false });
  });

  it('counts nested selection sets, through fragments, and refuses past the limit', () => {
    expect(depthErrors('{ runs { edges { node { setup { name } } } } }', 4)).toEqual([]);
    const refused = depthErrors('query Deep { runs { edges { node { setup { name } } } } }', 3);
    expect(refused.map((error) => error.message)).toEqual(["'Deep' exceeds maximum operation depth of 3 (the depth limit)"]);
    expect(depthErrors('{ runs { ...E } } fragment E on RunConnection { edges { node { setup { name } } } }', 3)).toHaveLength(1);
  });

  it('leaves a fragment cycle to graphql-js instead of overflowing the stack', () => {
    const errors = check('{ runs { ...A } } fragment A on RunConnection { ...B } fragment B on RunConnection { ...A }');
    expect(errors.map((error) => error.message).join('\n')).toMatch(/Cannot spread fragment "A" within itself via "B"/);
    expect(errors.some((error) => error.originalError instanceof QueryLimitError)).toBe(false);
  });

  it('measures each fragment once, so fragments that fan out do not take exponential time', () => {
    const fragments = Array.from({ length: 60 }, (_, i) => `fragment F${i} on RunConnection { ...F${i + 1} ...F${i + 1} totalCount }`).join(' ');
    const query = `{ runs { ...F0 } } ${fragments} fragment F60 on RunConnection { totalCount }`;
    expect(depthErrors(query)).toEqual([]);
  });

  it('refuses fragments nested beyond any real query instead of walking them', () => {
    const nested = `${'... on RunConnection { '.repeat(300)}totalCount${' }'.repeat(300)}`;
    expect(depthErrors(`{ runs { ${nested} } }`)).toHaveLength(1);
  });
});

describe('bracketNesting', () => {
  it('counts brackets outside strings, block strings and comments', () => {
    expect(bracketNesting('{ a(b: [{ c: 1 }]) { d } }', 100)).toBe(4);
    expect(bracketNesting('{ a(b: "{{{[[[\\"(((") # {{{{\n }', 100)).toBe(2);
    expect(bracketNesting('{ a(b: """ {{{ \\""" [[[ """) }', 100)).toBe(2);
  });

  it('stops counting past the limit', () => {
    expect(bracketNesting('['.repeat(100_000), 64)).toBe(65);
  });
});
