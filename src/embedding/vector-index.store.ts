import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { HnswGraph } from './hnsw.index';
import { VectorIndex, type VectorIndexParameters } from './vector-index';
import type { IndexMetric } from '../numeric/distance.metrics';
import { writeDurably } from '../util/durable-write';
import { FileRows, MemoryRows } from './vector-rows';

/** What a stored index says about itself; an index whose files do not match it is corrupt. */
export interface IndexManifest {
  format: 1;
  run: string;
  /** 'images', or 'profiles-<normalization>' */
  kind: string;
  metric: IndexMetric;
  dimensions: number;
  projectedDimensions: number;
  count: number;
  /** the embedding generation it was built from: stale when the run's differs */
  generation: number;
  /** sha256 of each file */
  checksums: Record<string, string>;
  parameters: VectorIndexParameters;
  builtAt: string;
}

export type LoadResult = { status: 'loaded'; index: VectorIndex; manifest: IndexManifest } | { status: 'missing' } | { status: 'corrupt'; reason: string };

const CURRENT = 'current.json';
const VECTORS = 'vectors.f32';
const FILES = ['graph.hnsw', VECTORS, 'labels.u32', 'projection.f32'] as const;

/**
 * Vector indexes under <dataDir>/indexes/<run>/<kind>-<metric>/. Each build is written to a
 * fresh version directory, synced, and made current by renaming `current.json` over the old
 * pointer: a reader sees the old index or the new one, never half of either, and readers that
 * loaded the old one keep answering (their graph in memory, their vectors file held open).
 */
export class VectorIndexStore {
  constructor(private readonly dataDir: string) {}

  directory(run: string, kind: string, metric: IndexMetric): string {
    return path.join(this.dataDir, 'indexes', run, `${kind}-${metric}`);
  }

  runDirectory(run: string): string {
    return path.join(this.dataDir, 'indexes', run);
  }

  async save(index: VectorIndex, meta: { run: string; kind: string; generation: number }): Promise<IndexManifest> {
    return this.saveIn(this.directory(meta.run, meta.kind, index.metric), index, meta);
  }

  async load(run: string, kind: string, metric: IndexMetric): Promise<LoadResult> {
    const dir = this.directory(run, kind, metric);
    let version: string;
    try {
      version = (JSON.parse(await fs.readFile(path.join(dir, CURRENT), 'utf8')) as { version: string }).version;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
      return { status: 'corrupt', reason: `unreadable ${CURRENT}: ${(error as Error).message}` };
    }
    const versionDir = path.join(dir, version);
    try {
      const manifest = JSON.parse(await fs.readFile(path.join(versionDir, 'manifest.json'), 'utf8')) as IndexManifest;
      const files: Record<string, Buffer> = {};
      for (const file of FILES) {
        // the vectors stay on disk: searches read the rows they re-rank (vector-rows.ts)
        const digest = file === VECTORS ? await sha256OfFile(path.join(versionDir, file)) : sha256((files[file] = await fs.readFile(path.join(versionDir, file))));
        if (digest !== manifest.checksums[file]) return { status: 'corrupt', reason: `${file} does not match its checksum` };
      }
      const labels = new Uint32Array(bytesOf(files['labels.u32']));
      const projection = new Float32Array(bytesOf(files['projection.f32']));
      const { dimensions: dim, projectedDimensions: p } = manifest;
      const vectorBytes = (await fs.stat(path.join(versionDir, VECTORS))).size;
      if (labels.length !== manifest.count || vectorBytes !== manifest.count * dim * 4 || projection.length !== dim + p * dim) {
        return { status: 'corrupt', reason: 'file sizes do not match the manifest' };
      }
      const graph = await HnswGraph.read(path.join(versionDir, 'graph.hnsw'), p);
      if (graph.size !== manifest.count) return { status: 'corrupt', reason: 'graph size does not match the manifest' };
      const index = new VectorIndex({
        metric: manifest.metric,
        dimensions: dim,
        labels,
        vectors: new FileRows(path.join(versionDir, VECTORS), dim, manifest.count),
        projection: { inputDimensions: dim, outputDimensions: p, mean: projection.subarray(0, dim), basis: projection.subarray(dim) },
        graph,
        parameters: manifest.parameters,
      });
      return { status: 'loaded', index, manifest };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
      return { status: 'corrupt', reason: (error as Error).message };
    }
  }

  /** Where a build writes its vectors before save() moves them into the new version. */
  async buildFile(run: string, kind: string, metric: IndexMetric): Promise<string> {
    const dir = this.directory(run, kind, metric);
    await fs.mkdir(dir, { recursive: true });
    return path.join(dir, `.build-${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.f32`);
  }

  /** A build's file that save() did not take (the build failed). */
  async removeBuildFile(file: string): Promise<void> {
    await fs.rm(file, { force: true });
  }

  async removeRun(run: string): Promise<void> {
    await fs.rm(this.runDirectory(run), { recursive: true, force: true });
  }

  private async saveIn(dir: string, index: VectorIndex, meta: { run: string; kind: string; generation: number }): Promise<IndexManifest> {
    await fs.mkdir(dir, { recursive: true });
    const version = `v-${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const temporary = path.join(dir, `.${version}.tmp`);
    const pointer = path.join(dir, `.${CURRENT}.${version}.tmp`);
    let manifest: IndexManifest;
    try {
      await fs.mkdir(temporary);
      const parts = index.internals;
      await parts.graph.write(path.join(temporary, 'graph.hnsw'));
      const data: Record<string, Buffer> = {
        'graph.hnsw': await fs.readFile(path.join(temporary, 'graph.hnsw')),
        'labels.u32': viewOf(parts.labels),
        'projection.f32': Buffer.concat([viewOf(parts.projection.mean), viewOf(parts.projection.basis)]),
      };
      for (const file of FILES) if (file !== 'graph.hnsw' && file !== VECTORS) await writeDurably(path.join(temporary, file), data[file]);
      const vectorsFile = path.join(temporary, VECTORS);
      if (parts.vectors instanceof MemoryRows) await writeDurably(vectorsFile, viewOf(parts.vectors.values));
      else if (parts.vectors instanceof FileRows) await moveDurably(parts.vectors.path, vectorsFile);
      else throw new Error('an index is saved from its vectors in memory or in their build file');
      const checksums = Object.fromEntries(FILES.map((file) => [file, file === VECTORS ? '' : sha256(data[file])]));
      checksums[VECTORS] = await sha256OfFile(vectorsFile);
      manifest = {
        format: 1,
        run: meta.run,
        kind: meta.kind,
        metric: index.metric,
        dimensions: index.dimensions,
        projectedDimensions: parts.projection.outputDimensions,
        count: index.count,
        generation: meta.generation,
        checksums,
        parameters: parts.parameters,
        builtAt: new Date().toISOString(),
      };
      await writeDurably(path.join(temporary, 'manifest.json'), Buffer.from(JSON.stringify(manifest, null, 2)));
      await fs.rename(temporary, path.join(dir, version));
      await writeDurably(pointer, Buffer.from(JSON.stringify({ version })));
      await fs.rename(pointer, path.join(dir, CURRENT));
    } catch (error) {
      // a build that failed (a full disk, most often) must not leave its half behind to keep the disk
      // full; its version directory is new and unreferenced until the pointer's rename, the last step
      await Promise.all([temporary, pointer, path.join(dir, version)].map((leftover) => fs.rm(leftover, { recursive: true, force: true }).catch(() => undefined)));
      throw error;
    }
    // older versions (and temporaries of builds killed midway); a reader mid-load retries
    for (const entry of await fs.readdir(dir)) {
      if (entry !== version && entry !== CURRENT && (entry.startsWith('v-') || entry.startsWith('.v-'))) await fs.rm(path.join(dir, entry), { recursive: true, force: true });
    }
    return manifest;
  }
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function viewOf(array: Float32Array | Uint32Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A build's vectors file into the version directory: a rename on the same disk, synced. */
async function moveDurably(from: string, to: string): Promise<void> {
  const handle = await fs.open(from, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(from, to);
}

function bytesOf(buffer: Buffer): ArrayBuffer {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
}
