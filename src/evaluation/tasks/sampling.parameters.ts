import { SeededRandom } from '../../util/seeded-random';

/**
 * Sampled evaluation (README, "Scale" > "Sampled evaluation"). The quadratic parts of the
 * tasks (all image pairs of two compounds; UMAP's neighbour structure, and the silhouette,
 * which scores the UMAP fit's images) and the PCA fits, whose cost is rows x 2048 x
 * components, work on seeded samples of fixed size once a cell line is larger than that
 * size. Below it nothing is drawn and a task computes exactly what it computed before
 * sampling existed, so small screens keep their numbers. `exact` turns every sample off;
 * `seed` is the sampling seed alone (the held-out plates, PCA and UMAP keep the
 * evaluation's `seed`), so changing it shows how far sampling moves a metric. Sizes are
 * fixed here and stored with each result set's parameters, which makes a stored result
 * reproducible from its parameters.
 */
export interface SamplingPolicy {
  exact: boolean;
  seed: number;
}

/** similarity: image pairs drawn per compound pair once the two compounds have more pairs than this */
export const SIMILARITY_PAIRS = 20_000;
/** PCA fitted on at most this many images (classification: of the training side, stratified by class) */
export const PCA_FIT_IMAGES = 3_000;
/** clustering: UMAP fitted on at most this many images of a cell line, the others placed by its transform; the quality indices score these images */
export const UMAP_FIT_IMAGES = 2_000;

export interface SimilaritySampling extends SamplingPolicy {
  pairsPerCompoundPair: number;
}

export interface ClassificationSampling extends SamplingPolicy {
  pcaFitImages: number;
}

export interface ClusteringSampling extends SamplingPolicy {
  pcaFitImages: number;
  umapFitImages: number;
}

export function similaritySampling(policy: SamplingPolicy): SimilaritySampling {
  return { exact: policy.exact, seed: policy.seed, pairsPerCompoundPair: SIMILARITY_PAIRS };
}

export function classificationSampling(policy: SamplingPolicy): ClassificationSampling {
  return { exact: policy.exact, seed: policy.seed, pcaFitImages: PCA_FIT_IMAGES };
}

export function clusteringSampling(policy: SamplingPolicy): ClusteringSampling {
  return { exact: policy.exact, seed: policy.seed, pcaFitImages: PCA_FIT_IMAGES, umapFitImages: UMAP_FIT_IMAGES };
}

export const DEFAULT_SAMPLING: SamplingPolicy = { exact: false, seed: 0 };

/** The policy of a request: `exact` and `sampleSeed` are shared evaluation parameters. */
export function samplingPolicy(p: { exact: boolean; sampleSeed: number }): SamplingPolicy {
  return { exact: p.exact, seed: p.sampleSeed };
}

/**
 * `size` of `indices` without replacement, in their given order (a seeded partial
 * Fisher-Yates picks which); all of them, untouched, when there are no more than `size`
 * or the policy is exact.
 */
export function sampleOf(indices: readonly number[], size: number, policy: SamplingPolicy, ...stream: Array<string | number>): readonly number[] {
  if (policy.exact || indices.length <= size) return indices;
  const random = SeededRandom.derive('evaluation-sample', policy.seed, ...stream);
  const order = Int32Array.from(indices.keys());
  for (let i = 0; i < size; i += 1) {
    const j = i + Math.floor(random.next() * (order.length - i));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return Array.from(order.subarray(0, size))
    .sort((a, b) => a - b)
    .map((position) => indices[position]);
}

/** The range 0 .. n - 1. */
export function allRows(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
