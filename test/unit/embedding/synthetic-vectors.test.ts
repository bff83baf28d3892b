import { describe, expect, it } from 'vitest';
import { clusteredVectorChunks, clusteredVectors } from '../../../src/embedding/synthetic-vectors';

describe('clustered vectors in chunks', () => {
  it('are the whole set, chunk after chunk, the last one shorter', () => {
    const options = { n: 250, dim: 24, clusters: 5, seed: 9 };
    const chunks = [...clusteredVectorChunks(options, 100)];
    expect(chunks.map((chunk) => chunk.length / options.dim)).toEqual([100, 100, 50]);
    const joined = new Float32Array(options.n * options.dim);
    chunks.forEach((chunk, i) => joined.set(chunk, i * 100 * options.dim));
    expect(joined).toEqual(clusteredVectors(options));
    expect(clusteredVectors({ ...options, seed: 10 })).not.toEqual(joined);
  });
});
