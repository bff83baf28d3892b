import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ByteBudgetCache } from '../../../src/embedding/byte-budget.cache';
import { MatrixMath } from '../../../src/embedding/matrix.adapter';
import { normalizer } from '../../../src/embedding/profile.normalizer';
import { clusteredVectors } from '../../../src/embedding/synthetic-vectors';
import { planTiles } from '../../../src/embedding/tile.plan';
import { DEFAULT_INDEX_PARAMETERS, VectorIndex } from '../../../src/embedding/vector-index';
import { VectorIndexStore } from '../../../src/embedding/vector-index.store';
import { buildIndexFromPages } from '../../../src/embedding/vector-index.builder';
import { selectBackend } from '../../../src/training/backend';

describe('ByteBudgetCache', () => {
  it('evicts the least recently used entries once over its byte budget', () => {
    const evicted: string[] = [];
    const cache = new ByteBudgetCache<string, number>(100, (key) => evicted.push(key));
    cache.set('a', 1, 40);
    cache.set('b', 2, 40);
    expect(cache.get('a')).toBe(1); // a is now more recent than b
    cache.set('c', 3, 40);
    expect(evicted).toEqual(['b']);
    expect(cache.keys()).toEqual(['a', 'c']);
    expect(cache.bytes).toBe(80);
    cache.set('huge', 4, 500); // larger than the budget: kept alone
    expect(cache.keys()).toEqual(['huge']);
    expect(evicted).toEqual(['b', 'a', 'c']);
    cache.set('huge', 5, 10); // replacing an entry counts its new size only
    expect(cache.bytes).toBe(10);
  });
});

describe('tiles and normalisation', () => {
  it('cuts an image into a centred grid of non-overlapping tiles', () => {
    expect(planTiles(128, 128, 64).map((v) => [v.x, v.y, v.size])).toEqual([[0, 0, 64], [64, 0, 64], [0, 64, 64], [64, 64, 64]]);
    expect(planTiles(200, 130, 64).map((v) => [v.x, v.y])).toEqual([[4, 1], [68, 1], [132, 1], [4, 65], [68, 65], [132, 65]]);
    expect(planTiles(48, 48, 64)).toHaveLength(1);
    expect(planTiles(256, 200, 'whole')).toEqual([{ x: 28, y: 0, size: 200, scale: 1, flip: false, blurSigma: 0 }]);
  });

  it('standardizes and MAD-robustizes against reference vectors', () => {
    const reference = [Float32Array.of(1, 5), Float32Array.of(3, 5), Float32Array.of(5, 5)];
    expect(Array.from(normalizer('standardize', reference)(Float32Array.of(3 + Math.sqrt(8 / 3), 7)))).toEqual([expect.closeTo(1, 5), 2]);
    // median 3, MAD 2 -> scale 2.9652; a feature without spread is only centred
    expect(Array.from(normalizer('mad-robustize', reference)(Float32Array.of(3 + 2.9652, 6)))).toEqual([expect.closeTo(1, 4), 1]);
  });
});

describe('VectorIndex and its store', () => {
  const dim = 256;
  const n = 3000;
  let math: MatrixMath;
  let data: Float32Array;
  let dir: string;
  const labels = Uint32Array.from({ length: n }, (_, i) => i * 3 + 7);
  const parameters = { ...DEFAULT_INDEX_PARAMETERS, projectedDimensions: 32 };

  beforeAll(async () => {
    await selectBackend({ backend: 'wasm', threads: 1 });
    math = await MatrixMath.create();
    data = clusteredVectors({ n: n + 50, dim, clusters: 30, seed: 3 });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-index-'));
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it.each(['cosine', 'euclidean'] as const)('finds the exact %s neighbours (recall@10 >= 0.99) and honours filters', (metric) => {
    const index = VectorIndex.build(math, metric, dim, labels, data.subarray(0, n * dim), parameters);
    let found = 0;
    for (let q = 0; q < 50; q += 1) {
      const query = data.subarray((n + q) * dim, (n + q + 1) * dim);
      const truth = new Set(index.exact(query, 10).map((hit) => hit.label));
      found += index.search(query, 10).filter((hit) => truth.has(hit.label)).length;
    }
    expect(found / 500).toBeGreaterThanOrEqual(0.99);
    const query = data.subarray(n * dim, (n + 1) * dim);
    // a selective filter still gives k results, all admitted, nearest first
    const admitted = new Set(Array.from(labels).filter((_, i) => i % 97 === 0));
    const filtered = index.search(query, 20, { filter: admitted });
    expect(filtered).toHaveLength(20);
    expect(filtered.every((hit) => admitted.has(hit.label))).toBe(true);
    expect(filtered).toEqual(index.exact(query, 20, { filter: admitted }));
    // an indexed vector is its own nearest neighbour, unless excluded
    expect(index.search(data.subarray(0, dim), 1)[0]).toEqual({ label: labels[0], distance: expect.closeTo(0, 4) });
    expect(index.search(data.subarray(0, dim), 1, { exclude: new Set([labels[0]]) })[0].label).not.toBe(labels[0]);
  });

  it.each([
    ['one page', n],
    ['pages of 1000', 1000],
  ])('builds from pages (%s) into its vectors file, re-ranks from there, and answers as the in-memory build does', async (_, pageRows) => {
    const inMemory = VectorIndex.build(math, 'cosine', dim, labels, data.subarray(0, n * dim), parameters);
    const pages = async function* () {
      for (let start = 0; start < n; start += pageRows) yield { labels: labels.subarray(start, start + pageRows), vectors: data.subarray(start * dim, Math.min(n, start + pageRows) * dim) };
    };
    const store = new VectorIndexStore(dir);
    const file = await store.buildFile('paged', 'images', 'cosine');
    const paged = await buildIndexFromPages(math, 'cosine', dim, n, pages, file, parameters);
    expect((await fs.stat(file)).size).toBe(n * dim * 4);
    // the full vectors are on disk, not in the index's memory
    expect(paged.bytes).toBe(inMemory.bytes - n * dim * 4);
    await store.save(paged, { run: 'paged', kind: 'images', generation: 1 });
    const loaded = await store.load('paged', 'images', 'cosine');
    if (loaded.status !== 'loaded') throw new Error(`not loaded: ${loaded.status}`);
    for (let q = 0; q < 50; q += 1) {
      const query = data.subarray((n + q) * dim, (n + q + 1) * dim);
      const expected = inMemory.search(query, 10);
      expect(paged.search(query, 10)).toEqual(expected);
      expect(loaded.index.search(query, 10)).toEqual(expected);
    }
    expect(loaded.index.vectorOf(labels[5])).toEqual(inMemory.vectorOf(labels[5]));
    const admitted = new Set(Array.from(labels).filter((_, i) => i % 97 === 0));
    expect(loaded.index.search(data.subarray(n * dim, (n + 1) * dim), 20, { filter: admitted })).toEqual(inMemory.search(data.subarray(n * dim, (n + 1) * dim), 20, { filter: admitted }));
    loaded.index.close();
    paged.close();
    await expect(fs.stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    await store.removeRun('paged');
  });

  it('replaces a stored index atomically: loaded copies keep answering, corrupt files are detected', async () => {
    const store = new VectorIndexStore(dir);
    const first = VectorIndex.build(math, 'cosine', dim, labels.slice(0, 1000), data.subarray(0, 1000 * dim), parameters);
    await store.save(first, { run: 'r', kind: 'images', generation: 1 });
    const loaded = await store.load('r', 'images', 'cosine');
    expect(loaded.status).toBe('loaded');
    if (loaded.status !== 'loaded') return;
    expect(loaded.manifest).toMatchObject({ run: 'r', kind: 'images', dimensions: dim, count: 1000, generation: 1 });
    const query = data.subarray(n * dim, (n + 1) * dim);
    const before = loaded.index.search(query, 5);
    expect(before).toEqual(first.search(query, 5));

    const second = VectorIndex.build(math, 'cosine', dim, labels, data.subarray(0, n * dim), parameters);
    await store.save(second, { run: 'r', kind: 'images', generation: 2 });
    // the old copy in memory is untouched; the directory holds the new version only
    expect(loaded.index.search(query, 5)).toEqual(before);
    const reloaded = await store.load('r', 'images', 'cosine');
    expect(reloaded.status === 'loaded' && reloaded.manifest).toMatchObject({ generation: 2, count: n });
    const entries = (await fs.readdir(store.directory('r', 'images', 'cosine'))).sort();
    expect(entries).toHaveLength(2);
    expect(entries[0]).toBe('current.json');

    await fs.appendFile(path.join(store.directory('r', 'images', 'cosine'), entries[1], 'labels.u32'), Buffer.alloc(4));
    expect((await store.load('r', 'images', 'cosine')).status).toBe('corrupt');
    await store.removeRun('r');
    expect((await store.load('r', 'images', 'cosine')).status).toBe('missing');
  });

  it('leaves nothing of a save that fails, and keeps the index it had', async () => {
    const store = new VectorIndexStore(dir);
    const index = VectorIndex.build(math, 'cosine', dim, labels.slice(0, 500), data.subarray(0, 500 * dim), parameters);
    await store.save(index, { run: 'full-disk', kind: 'images', generation: 1 });
    const directory = store.directory('full-disk', 'images', 'cosine');
    const before = (await fs.readdir(directory)).sort();
    const open = fs.open;
    // the pointer is the last write: everything else of the new version is on disk by then
    vi.spyOn(fs, 'open').mockImplementation(async (file, ...rest) => {
      const handle = await open(file, ...rest);
      if (/\.current\.json\..*\.tmp$/.test(String(file))) {
        handle.writeFile = async () => {
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
        };
      }
      return handle;
    });
    try {
      await expect(store.save(index, { run: 'full-disk', kind: 'images', generation: 2 })).rejects.toMatchObject({ code: 'ENOSPC' });
    } finally {
      vi.restoreAllMocks();
    }
    expect((await fs.readdir(directory)).sort()).toEqual(before);
    const loaded = await store.load('full-disk', 'images', 'cosine');
    expect(loaded.status === 'loaded' && loaded.manifest.generation).toBe(1);
  });
});
