import { describe, expect, it } from 'vitest';
import { benchmarkSamplingError } from '../../src/evaluation/sampling-error.benchmark';

describe('bench evaluate-error', () => {
  it('ends with a summary of every metric’s mean and maximum error; below every sample size they are 0', () => {
    const lines = [...benchmarkSamplingError({ images: 300, cellLines: 1, dim: 16, nullSize: 100, seeds: 2 })] as Array<Record<string, unknown>>;
    expect(lines.filter((line) => line.run !== undefined).map((line) => line.run)).toEqual(['exact', 'sampled', 'sampled']);
    const summary = lines[lines.length - 1] as { summary: boolean; metrics: number; errors: Record<string, { mean: number | null; max: number | null }> };
    expect(summary.summary).toBe(true);
    expect(Object.keys(summary.errors)).toHaveLength(summary.metrics);
    for (const metric of ['report:clustering.silhouette', 'report:clustering.daviesBouldin', 'report:clustering.consistency']) {
      expect(summary.errors[metric]).toEqual({ mean: 0, max: 0 });
    }
  });
});
