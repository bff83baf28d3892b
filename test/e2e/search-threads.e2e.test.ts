import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type * as MatrixModule from '../../src/embedding/matrix.adapter';
import type * as PoolModule from '../../src/embedding/search-worker.pool';
import type * as SyntheticModule from '../../src/embedding/synthetic-vectors';
import type * as IndexModule from '../../src/embedding/vector-index';
import type * as StoreModule from '../../src/embedding/vector-index.store';

// the search worker exists only in the build (`npm test` builds first), as for the servers under test
const DIST = path.join(__dirname, '..', '..', 'dist', 'src', 'embedding');
const { SearchWorkerPool } = require(path.join(DIST, 'search-worker.pool')) as typeof PoolModule;
const { VectorIndex, DEFAULT_INDEX_PARAMETERS } = require(path.join(DIST, 'vector-index')) as typeof IndexModule;
const { MatrixMath } = require(path.join(DIST, 'matrix.adapter')) as typeof MatrixModule;
const { clusteredVectors } = require(path.join(DIST, 'synthetic-vectors')) as typeof SyntheticModule;
const { VectorIndexStore } = require(path.join(DIST, 'vector-index.store')) as typeof StoreModule;

describe('search threads', () => {
  const pool = new SearchWorkerPool(2);
  afterAll(() => pool.close());

  it.each(['cosine', 'euclidean'] as const)('answer %s searches exactly as the index does in-process', async (metric) => {
    const n = 3000;
    const dim = 256;
    const labels = Uint32Array.from({ length: n }, (_, i) => 10 + i * 3);
    const index = VectorIndex.build(await MatrixMath.create(), metric, dim, labels, clusteredVectors({ n, dim, seed: 3 }), { ...DEFAULT_INDEX_PARAMETERS, projectedDimensions: 16 });
    expect(await pool.attach(index)).toBe(true);
    const queries = Array.from({ length: 100 }, (_, i) => labels[(i * 37) % n]);
    const threaded = await Promise.all(queries.map((label) => pool.search(index, index.vectorOf(label)!, 10, new Set([label]))));
    expect(threaded).toEqual(queries.map((label) => index.search(index.vectorOf(label)!, 10, { exclude: new Set([label]) })));
    pool.detach(index);
    // a detached index is searched in-process until it is attached again: same answers
    expect(await pool.search(index, index.vectorOf(labels[0])!, 5, new Set())).toEqual(index.search(index.vectorOf(labels[0])!, 5));
  });

  it('answer searches of a stored index, whose vectors each thread reads from the index file, as the index does in-process', async () => {
    const n = 3000;
    const dim = 256;
    const labels = Uint32Array.from({ length: n }, (_, i) => 10 + i * 3);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-search-threads-'));
    try {
      const store = new VectorIndexStore(dir);
      await store.save(VectorIndex.build(await MatrixMath.create(), 'cosine', dim, labels, clusteredVectors({ n, dim, seed: 4 }), { ...DEFAULT_INDEX_PARAMETERS, projectedDimensions: 16 }), { run: 'r', kind: 'images', generation: 1 });
      const loaded = await store.load('r', 'images', 'cosine');
      if (loaded.status !== 'loaded') throw new Error(`not loaded: ${loaded.status}`);
      // the version's files are gone: the threads reach the vectors through the loader's descriptor
      await store.removeRun('r');
      expect(await pool.attach(loaded.index)).toBe(true);
      const queries = Array.from({ length: 100 }, (_, i) => labels[(i * 41) % n]);
      const threaded = await Promise.all(queries.map((label) => pool.search(loaded.index, loaded.index.vectorOf(label)!, 10, new Set([label]))));
      expect(threaded).toEqual(queries.map((label) => loaded.index.search(loaded.index.vectorOf(label)!, 10, { exclude: new Set([label]) })));
      pool.detach(loaded.index);
      loaded.index.close();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
