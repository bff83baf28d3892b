import type { ClassicalFeatureSpec, FeatureValues } from './feature.spec';

/** Grey levels of the co-occurrence matrix: 8-bit values >> 4, a fixed range as CellProfiler's MeasureTexture scales it. */
export const GLCM_LEVELS = 16;
export const GLCM_DISTANCES = [1, 3] as const;

const HARALICK = [
  ['Contrast', 'sum of P(i,j) (i-j)^2'],
  ['Correlation', 'grey-level correlation of pixel pairs (1 when a level is constant)'],
  ['AngularSecondMoment', 'sum of P(i,j)^2, uniformity'],
  ['InverseDifferenceMoment', 'sum of P(i,j) / (1 + (i-j)^2), homogeneity'],
  ['Entropy', '-sum of P(i,j) log2 P(i,j)'],
] as const;

type HaralickName = (typeof HARALICK)[number][0];
type GlcmFeatureName = `Texture_${HaralickName}_d${(typeof GLCM_DISTANCES)[number]}`;

export const GLCM_FEATURES: ReadonlyArray<ClassicalFeatureSpec & { name: GlcmFeatureName }> = GLCM_DISTANCES.flatMap((distance) =>
  HARALICK.map(([name, description]) => ({
    name: `Texture_${name}_d${distance}` as GlcmFeatureName,
    group: 'Texture' as const,
    description: `Haralick ${description}; symmetric GLCM on ${GLCM_LEVELS} levels at distance ${distance}, mean of 0/45/90/135 degrees`,
  })),
);

/** Grey levels quantised for the co-occurrence matrices. */
export function quantiseForGlcm(data: Uint8Array): Uint8Array {
  const levels = new Uint8Array(data.length);
  const shift = Math.log2(256 / GLCM_LEVELS);
  for (let i = 0; i < data.length; i += 1) levels[i] = data[i] >> shift;
  return levels;
}

/** Haralick features of the image's grey-level co-occurrence matrices, averaged over four directions. */
export function measureGlcmTexture(levels: Uint8Array, width: number, height: number): FeatureValues<typeof GLCM_FEATURES> {
  const values = {} as FeatureValues<typeof GLCM_FEATURES>;
  const counts = new Uint32Array(GLCM_LEVELS * GLCM_LEVELS);
  // the first pixel's level pre-multiplied into the row index: one OR per pair in the hot loop
  const rows = new Uint8Array(levels.length);
  for (let i = 0; i < levels.length; i += 1) rows[i] = levels[i] * GLCM_LEVELS;
  for (const distance of GLCM_DISTANCES) {
    const sums = new Float64Array(HARALICK.length);
    const directions: Array<[number, number]> = [
      [distance, 0],
      [distance, distance],
      [0, distance],
      [-distance, distance],
    ];
    for (const [dx, dy] of directions) {
      counts.fill(0);
      const pairs = countPairs(rows, levels, width, height, dx, dy, counts);
      const haralick = haralickOf(counts, pairs);
      for (let k = 0; k < haralick.length; k += 1) sums[k] += haralick[k];
    }
    HARALICK.forEach(([name], k) => {
      values[`Texture_${name}_d${distance}`] = sums[k] / directions.length;
    });
  }
  return values;
}

/** Counts (level at p, level at p + (dx, dy)) over every pair inside the image; returns the number of pairs. */
function countPairs(rows: Uint8Array, levels: Uint8Array, width: number, height: number, dx: number, dy: number, counts: Uint32Array): number {
  const xFrom = Math.max(0, -dx);
  const xTo = Math.min(width, width - dx);
  if (xTo <= xFrom || dy >= height) return 0;
  const offset = dy * width + dx;
  for (let y = 0; y < height - dy; y += 1) {
    const rowEnd = y * width + xTo;
    for (let i = y * width + xFrom; i < rowEnd; i += 1) counts[rows[i] | levels[i + offset]] += 1;
  }
  return (height - dy) * (xTo - xFrom);
}

/** Contrast, correlation, ASM, IDM and entropy of the symmetric, normalised matrix; all 0 without pairs. */
function haralickOf(counts: Uint32Array, pairs: number): number[] {
  if (pairs === 0) return [0, 0, 0, 0, 0];
  const n = GLCM_LEVELS;
  const norm = 1 / (2 * pairs);
  let mean = 0;
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) mean += i * (counts[i * n + j] + counts[j * n + i]) * norm;
  }
  let contrast = 0;
  let variance = 0;
  let covariance = 0;
  let asm = 0;
  let idm = 0;
  let entropy = 0;
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) {
      const p = (counts[i * n + j] + counts[j * n + i]) * norm;
      if (p === 0) continue;
      const d = i - j;
      contrast += p * d * d;
      variance += p * (i - mean) * (i - mean);
      covariance += p * (i - mean) * (j - mean);
      asm += p * p;
      idm += p / (1 + d * d);
      entropy -= p * Math.log2(p);
    }
  }
  // symmetric matrix: both marginals share mean and variance
  const correlation = variance > 1e-12 ? covariance / variance : 1;
  return [contrast, correlation, asm, idm, entropy];
}
