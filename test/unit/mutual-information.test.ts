import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { adjustedMutualInformation } from '../../src/evaluation/mutual-information.metrics';
import { expectClose } from './evaluation-reference';

interface AmiCase {
  name: string;
  compounds: string[];
  clusters: number[];
  ami: number;
}

/** sklearn's values: test/fixtures/evaluation/make_ami_reference.py */
const reference = JSON.parse(readFileSync(path.join(__dirname, '../fixtures/evaluation/ami-reference.json'), 'utf8')) as { cases: AmiCase[] };

describe('adjusted mutual information (sklearn adjusted_mutual_info_score)', () => {
  it.each(reference.cases.map((c) => [c.name, c] as const))('%s equals sklearn', (_name, c) => {
    expectClose(adjustedMutualInformation(c.compounds, c.clusters), c.ami, 1e-9);
  });

  it('is symmetric and does not depend on what the groups are called', () => {
    const { compounds, clusters } = reference.cases.find((c) => c.name.startsWith('related n=200'))!;
    const renamed = clusters.map((c) => `cluster ${c * 7}`);
    expectClose(adjustedMutualInformation(clusters, compounds), adjustedMutualInformation(compounds, clusters), 1e-12);
    expectClose(adjustedMutualInformation(compounds, renamed), adjustedMutualInformation(compounds, clusters), 1e-12);
  });

  it('refuses labellings of different lengths', () => {
    expect(() => adjustedMutualInformation(['a', 'b'], [0])).toThrow(RangeError);
  });
});
