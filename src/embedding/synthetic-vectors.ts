import { SeededRandom } from '../util/seeded-random';

export interface ClusteredVectorOptions {
  n: number;
  dim: number;
  clusters?: number;
  /** dimensions of the latent space the clusters live in before a random linear map to `dim` */
  latentDimensions?: number;
  /** spread within a cluster, relative to the spread of cluster centres */
  clusterSpread?: number;
  /** isotropic noise added in the full space, relative to the signal per dimension */
  noise?: number;
  seed?: number;
}

/**
 * Synthetic embeddings shaped like learned ones: clusters (treatments) in a low-dimensional
 * latent space, mapped linearly into `dim` dimensions, plus a little isotropic noise.
 */
export function clusteredVectors(options: ClusteredVectorOptions): Float32Array {
  const out = new Float32Array(options.n * options.dim);
  let offset = 0;
  for (const chunk of clusteredVectorChunks(options, options.n)) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * The vectors of clusteredVectors, `rows` at a time (the last chunk may be shorter): the same
 * values, without the whole set in memory.
 */
export function* clusteredVectorChunks(options: ClusteredVectorOptions, rows: number): Generator<Float32Array> {
  const { n, dim } = options;
  const clusters = options.clusters ?? 100;
  const latent = options.latentDimensions ?? 32;
  const spread = options.clusterSpread ?? 0.35;
  const noise = options.noise ?? 0.05;
  const random = new SeededRandom(`clustered-vectors/${options.seed ?? 1}`);
  const centres = Float32Array.from({ length: clusters * latent }, () => random.normal());
  const map = Float32Array.from({ length: latent * dim }, () => random.normal() / Math.sqrt(latent));
  const z = new Float32Array(latent);
  for (let first = 0; first < n; first += rows) {
    const out = new Float32Array(Math.min(rows, n - first) * dim);
    for (let o = 0; o < out.length; o += dim) {
      const c = random.int(0, clusters);
      for (let j = 0; j < latent; j += 1) z[j] = centres[c * latent + j] + spread * random.normal();
      for (let j = 0; j < latent; j += 1) {
        const w = z[j];
        const m = j * dim;
        for (let d = 0; d < dim; d += 1) out[o + d] += w * map[m + d];
      }
      // uniform noise of the same variance: as good here, and a normal draw per value dominated the time
      const amplitude = noise * Math.sqrt(12);
      for (let d = 0; d < dim; d += 1) out[o + d] += amplitude * (random.next() - 0.5);
    }
    yield out;
  }
}
