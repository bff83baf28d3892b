import { closeSync, openSync, writeSync } from 'node:fs';
import { fitPcaOnSample, identityProjection, pcaSamplePlan, projectAll, type Projection } from '../numeric/pca-float32';
import type { IndexMetric } from '../numeric/distance.metrics';
import { HnswGraph } from './hnsw.index';
import type { MatrixMath } from './matrix.adapter';
import { normalizeRows, VectorIndex, type VectorIndexParameters } from './vector-index';
import { FileRows } from './vector-rows';

/** Some consecutive rows of the vectors to index. */
export interface VectorPage {
  labels: ArrayLike<number>;
  /** row-major, one row per label */
  vectors: Float32Array;
}

/**
 * Builds the index VectorIndex.build builds, from a source read twice a page at a time (the
 * run's embeddings in Postgres) instead of from every vector in memory: the first pass sums the
 * features and keeps the PCA sample (2,000 rows), the second normalises each page, appends it to
 * `file` (the index's vectors, re-ranked from there) and adds its projection to the graph. What
 * stays in memory grows by the projected row (4 x projectedDimensions bytes) and the graph's
 * links per vector; the full vectors are a page at a time. Pages must be multiples of
 * MatrixMath's chunk (or the whole set) for the projection to equal the in-memory build's.
 */
export async function buildIndexFromPages(
  math: MatrixMath,
  metric: IndexMetric,
  dimensions: number,
  count: number,
  pages: () => AsyncIterable<VectorPage>,
  file: string,
  parameters: VectorIndexParameters,
): Promise<VectorIndex> {
  const unit = (page: VectorPage) => (metric === 'cosine' ? normalizeRows(page.vectors, dimensions) : page.vectors);
  const projection = dimensions > parameters.projectedDimensions && count > 1 ? await fitProjection(math, dimensions, count, pages, unit, parameters) : identityProjection(dimensions);
  const p = projection.outputDimensions;
  const graph = HnswGraph.create(p, count, parameters.hnsw);
  const labels = new Uint32Array(count);
  const fd = openSync(file, 'w');
  let row = 0;
  try {
    for await (const page of pages()) {
      const vectors = unit(page);
      const n = page.labels.length;
      if (row + n > count) throw new Error(`the vectors changed while the index was built: more than ${count}`);
      writeSync(fd, new Uint8Array(vectors.buffer, vectors.byteOffset, n * dimensions * 4));
      const projected = p === dimensions ? vectors : projectAll(math, projection, vectors);
      for (let i = 0; i < n; i += 1) {
        labels[row + i] = page.labels[i];
        graph.add(projected.subarray(i * p, (i + 1) * p), page.labels[i]);
      }
      row += n;
    }
  } finally {
    closeSync(fd);
  }
  if (row !== count) throw new Error(`the vectors changed while the index was built: ${row} rows, expected ${count}`);
  return new VectorIndex({ metric, dimensions, labels, vectors: new FileRows(file, dimensions, count), projection, graph, parameters });
}

async function fitProjection(
  math: MatrixMath,
  dimensions: number,
  count: number,
  pages: () => AsyncIterable<VectorPage>,
  unit: (page: VectorPage) => Float32Array,
  parameters: VectorIndexParameters,
): Promise<Projection> {
  const options = { outputDimensions: parameters.projectedDimensions, seed: parameters.hnsw.seed };
  const plan = pcaSamplePlan(count, options);
  const slotOf = new Map(plan.rows.map((row, slot) => [row, slot]));
  const sample = new Float32Array(plan.rows.length * dimensions);
  const sums = new Float64Array(dimensions);
  let row = 0;
  for await (const page of pages()) {
    const vectors = unit(page);
    for (let i = 0; i < page.labels.length; i += 1, row += 1) {
      const o = i * dimensions;
      for (let d = 0; d < dimensions; d += 1) sums[d] += vectors[o + d];
      const slot = slotOf.get(row);
      if (slot !== undefined) sample.set(vectors.subarray(o, o + dimensions), slot * dimensions);
    }
  }
  if (row !== count) throw new Error(`the vectors changed while the index was built: ${row} rows, expected ${count}`);
  return fitPcaOnSample(math, { sample, sums, n: count, dim: dimensions, plan }, options);
}
