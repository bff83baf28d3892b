import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { costVariables } from '../../../src/api/limits/cost-limit.plugin';

describe('costVariables', () => {
  it('names the variables of page sizes and directives, not the others', () => {
    const document = parse(`query ($run: ID!, $image: ID!, $n: Int, $withRuns: Boolean!, $page: Int) {
      nearestImages(run: $run, image: $image, k: $n) { imageId }
      runs(first: $page) @include(if: $withRuns) { edges { node { id } } }
    }`);
    expect(costVariables(document)).toEqual(['page', 'withRuns']);
  });

  it('is empty when the cost cannot depend on variables', () => {
    expect(costVariables(parse('query ($run: ID!, $image: ID!) { nearestImages(run: $run, image: $image) { imageId distance } }'))).toEqual([]);
  });
});
