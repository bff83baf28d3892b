import type { ProfileNormalization } from '../db/entities/profile.entity';

export const NORMALIZATIONS: readonly ProfileNormalization[] = ['none', 'standardize', 'mad-robustize'];

/** Spread below this counts as none: the feature is centred but not scaled. */
const MIN_SPREAD = 1e-6;
/** MAD of a normal distribution is 0.6745 sigma; scaling by 1.4826 makes it comparable to a standard deviation. */
const MAD_TO_SIGMA = 1.4826;

/** (x - centre) / spread per feature, centre and spread from the reference vectors. */
export function normalizer(normalization: ProfileNormalization, reference: readonly Float32Array[]): (vector: Float32Array) => Float32Array {
  if (normalization === 'none') return (vector) => vector;
  const dim = reference[0].length;
  const centre = new Float32Array(dim);
  const spread = new Float32Array(dim);
  const column = new Float64Array(reference.length);
  for (let d = 0; d < dim; d += 1) {
    for (let i = 0; i < reference.length; i += 1) column[i] = reference[i][d];
    if (normalization === 'standardize') {
      let mean = 0;
      for (const value of column) mean += value;
      mean /= column.length;
      let variance = 0;
      for (const value of column) variance += (value - mean) ** 2;
      // population standard deviation, as sklearn's StandardScaler (pycytominer's standardize)
      centre[d] = mean;
      spread[d] = Math.sqrt(variance / column.length);
    } else {
      const median = medianOf(column);
      centre[d] = median;
      spread[d] = MAD_TO_SIGMA * medianOf(column.map((value) => Math.abs(value - median)));
    }
  }
  return (vector) => {
    const out = new Float32Array(dim);
    for (let d = 0; d < dim; d += 1) out[d] = (vector[d] - centre[d]) / (spread[d] > MIN_SPREAD ? spread[d] : 1);
    return out;
  };
}

function medianOf(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
