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
  // the first pixel's level pre-multiplied into the row index: one OR per pair in the hot loop
  const rows = new Uint8Array(levels.length);
  for (let i = 0; i < levels.length; i += 1) rows[i] = levels[i] * GLCM_LEVELS;
  for (const distance of GLCM_DISTANCES) {
    const directions = countDirections(rows, levels, width, height, distance).map(({ counts, pairs }) => haralickOf(counts, pairs));
    HARALICK.forEach(([name], k) => {
      values[`Texture_${name}_d${distance}`] = directions.reduce((sum, haralick) => sum + haralick[k], 0) / directions.length;
    });
  }
  return values;
}

interface PairCounts {
  counts: Uint32Array;
  pairs: number;
}

/**
 * Co-occurrence counts at 0, 45, 90 and 135 degrees. Where all four partners are
 * inside the image, one pass feeds four matrices (a pixel's level loaded once, four
 * independent counters instead of one dependency chain); the strips where some
 * partner falls outside are counted direction by direction.
 */
function countDirections(rows: Uint8Array, levels: Uint8Array, width: number, height: number, d: number): PairCounts[] {
  const offsets: Array<[number, number]> = [
    [d, 0],
    [d, d],
    [0, d],
    [-d, d],
  ];
  const [east, southEast, south, southWest] = offsets.map(() => new Uint32Array(GLCM_LEVELS * GLCM_LEVELS));
  const x0 = Math.min(d, width);
  const x1 = Math.max(x0, width - d);
  const y1 = Math.max(0, height - d);
  const below = d * width;
  for (let y = 0; y < y1; y += 1) {
    const end = y * width + x1;
    for (let i = y * width + x0; i < end; i += 1) {
      const row = rows[i];
      east[row | levels[i + d]] += 1;
      southEast[row | levels[i + below + d]] += 1;
      south[row | levels[i + below]] += 1;
      southWest[row | levels[i + below - d]] += 1;
    }
  }
  return [east, southEast, south, southWest].map((counts, k) => {
    const [dx, dy] = offsets[k];
    const strips = [
      [0, x0, 0, height],
      [x1, width, 0, height],
      [x0, x1, y1, height],
    ];
    for (const [sx0, sx1, sy0, sy1] of strips) countPairs(rows, levels, width, height, dx, dy, sx0, sx1, sy0, sy1, counts);
    const pairs = Math.max(0, Math.min(width, width - dx) - Math.max(0, -dx)) * Math.max(0, height - dy);
    return { counts, pairs };
  });
}

/** Counts (level at p, level at p + (dx, dy)) for p in [x0, x1) x [y0, y1) whose partner is inside the image. */
function countPairs(
  rows: Uint8Array,
  levels: Uint8Array,
  width: number,
  height: number,
  dx: number,
  dy: number,
  x0: number,
  x1: number,
  y0: number,
  y1: number,
  counts: Uint32Array,
): void {
  const xFrom = Math.max(x0, -dx);
  const xTo = Math.min(x1, width - dx);
  const yTo = Math.min(y1, height - dy);
  const offset = dy * width + dx;
  for (let y = y0; y < yTo; y += 1) {
    for (let i = y * width + xFrom; i < y * width + xTo; i += 1) counts[rows[i] | levels[i + offset]] += 1;
  }
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
