import type { ClassicalFeatureSpec, FeatureValues } from './feature.spec';
import { GREY_LEVELS } from './otsu.threshold';

export const INTENSITY_FEATURES = [
  { name: 'Intensity_MeanIntensity', group: 'Intensity', description: 'mean grey level of the image (0-1)' },
  { name: 'Intensity_StdIntensity', group: 'Intensity', description: 'population standard deviation of the grey levels' },
  { name: 'Intensity_Percentile_5', group: 'Intensity', description: '5th percentile of the grey levels (linear interpolation, as numpy)' },
  { name: 'Intensity_Percentile_25', group: 'Intensity', description: 'lower quartile of the grey levels' },
  { name: 'Intensity_Percentile_50', group: 'Intensity', description: 'median grey level' },
  { name: 'Intensity_Percentile_75', group: 'Intensity', description: 'upper quartile of the grey levels' },
  { name: 'Intensity_Percentile_95', group: 'Intensity', description: '95th percentile of the grey levels' },
  { name: 'Intensity_Percentile_99', group: 'Intensity', description: '99th percentile of the grey levels (the brightest nuclei)' },
  { name: 'Intensity_Skewness', group: 'Intensity', description: 'skewness of the grey levels (0 for a constant image)' },
  { name: 'Intensity_Kurtosis', group: 'Intensity', description: 'excess kurtosis of the grey levels (0 for a constant image)' },
  { name: 'Intensity_OtsuThreshold', group: 'Intensity', description: "Otsu's foreground threshold (0-1)" },
  { name: 'Intensity_ForegroundShare', group: 'Intensity', description: 'share of pixels above the Otsu threshold' },
  { name: 'Intensity_MeanForegroundIntensity', group: 'Intensity', description: 'mean grey level above the threshold (0 with no foreground)' },
  { name: 'Intensity_StdForegroundIntensity', group: 'Intensity', description: 'standard deviation of the foreground grey levels (0 with no foreground)' },
  { name: 'Intensity_MeanBackgroundIntensity', group: 'Intensity', description: 'mean grey level at or below the threshold' },
  { name: 'Intensity_IntegratedForegroundIntensity', group: 'Intensity', description: 'sum of the foreground grey levels (0-1 each) per 10,000 pixels of image' },
] as const satisfies ReadonlyArray<ClassicalFeatureSpec>;

const PERCENTILES = [5, 25, 50, 75, 95, 99] as const;

/** Whole-image intensity statistics from the grey-level histogram (0-1 scale, like CellProfiler's). */
export function measureIntensity(histogram: Float64Array, threshold: number): FeatureValues<typeof INTENSITY_FEATURES> {
  const scale = GREY_LEVELS - 1;
  const all = moments(histogram, 0, GREY_LEVELS);
  const background = moments(histogram, 0, threshold + 1);
  const foreground = moments(histogram, threshold + 1, GREY_LEVELS);
  const [p5, p25, p50, p75, p95, p99] = PERCENTILES.map((p) => percentile(histogram, all.count, p) / scale);
  const variance = all.central2;
  return {
    Intensity_MeanIntensity: all.mean / scale,
    Intensity_StdIntensity: Math.sqrt(variance) / scale,
    Intensity_Percentile_5: p5,
    Intensity_Percentile_25: p25,
    Intensity_Percentile_50: p50,
    Intensity_Percentile_75: p75,
    Intensity_Percentile_95: p95,
    Intensity_Percentile_99: p99,
    Intensity_Skewness: variance > 0 ? all.central3 / variance ** 1.5 : 0,
    Intensity_Kurtosis: variance > 0 ? all.central4 / variance ** 2 - 3 : 0,
    Intensity_OtsuThreshold: threshold / scale,
    Intensity_ForegroundShare: all.count > 0 ? foreground.count / all.count : 0,
    Intensity_MeanForegroundIntensity: foreground.mean / scale,
    Intensity_StdForegroundIntensity: Math.sqrt(foreground.central2) / scale,
    Intensity_MeanBackgroundIntensity: background.mean / scale,
    Intensity_IntegratedForegroundIntensity: all.count > 0 ? ((foreground.mean * foreground.count) / scale) * (10_000 / all.count) : 0,
  };
}

interface HistogramMoments {
  count: number;
  mean: number;
  central2: number;
  central3: number;
  central4: number;
}

/** Count, mean and central moments of the levels [from, to); all 0 for an empty range. */
function moments(histogram: Float64Array, from: number, to: number): HistogramMoments {
  let count = 0;
  let sum = 0;
  for (let level = from; level < to; level += 1) {
    count += histogram[level];
    sum += level * histogram[level];
  }
  if (count === 0) return { count: 0, mean: 0, central2: 0, central3: 0, central4: 0 };
  const mean = sum / count;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let level = from; level < to; level += 1) {
    const d = level - mean;
    const d2 = d * d;
    m2 += histogram[level] * d2;
    m3 += histogram[level] * d2 * d;
    m4 += histogram[level] * d2 * d2;
  }
  return { count, mean, central2: m2 / count, central3: m3 / count, central4: m4 / count };
}

/** numpy's default percentile: linear interpolation between the ranks around p/100 * (n - 1). */
function percentile(histogram: Float64Array, count: number, p: number): number {
  if (count === 0) return 0;
  const rank = (p / 100) * (count - 1);
  const lower = Math.floor(rank);
  const low = levelAtRank(histogram, lower);
  const high = rank > lower ? levelAtRank(histogram, lower + 1) : low;
  return low + (rank - lower) * (high - low);
}

/** The grey level of the k-th smallest pixel (k from 0). */
function levelAtRank(histogram: Float64Array, rank: number): number {
  let cumulative = 0;
  for (let level = 0; level < GREY_LEVELS; level += 1) {
    cumulative += histogram[level];
    if (cumulative > rank) return level;
  }
  return GREY_LEVELS - 1;
}
