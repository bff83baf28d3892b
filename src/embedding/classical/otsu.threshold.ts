/** Grey levels of 8-bit images. */
export const GREY_LEVELS = 256;

/** Pixel count per grey level. */
export function greyHistogram(data: Uint8Array): Float64Array {
  const histogram = new Float64Array(GREY_LEVELS);
  for (let i = 0; i < data.length; i += 1) histogram[data[i]] += 1;
  return histogram;
}

/**
 * Otsu's threshold over grey levels [from, 255]: the level t that maximises the
 * between-class variance of {from..t} and {t+1..255}; foreground is value > t.
 * Returns 255 (nothing is foreground) when no split separates anything, e.g. a
 * constant image, so a blank field has no objects rather than noise objects.
 * `from` > 0 thresholds within a class already split off (the bright nuclei
 * inside the foreground).
 */
export function otsuThreshold(histogram: Float64Array, from = 0): number {
  let total = 0;
  let weightedTotal = 0;
  for (let level = from; level < GREY_LEVELS; level += 1) {
    total += histogram[level];
    weightedTotal += level * histogram[level];
  }
  let best = GREY_LEVELS - 1;
  let bestVariance = 0;
  let below = 0;
  let weightedBelow = 0;
  for (let level = from; level < GREY_LEVELS - 1; level += 1) {
    below += histogram[level];
    weightedBelow += level * histogram[level];
    const above = total - below;
    if (below === 0 || above === 0) continue;
    const meanBelow = weightedBelow / below;
    const meanAbove = (weightedTotal - weightedBelow) / above;
    const variance = below * above * (meanBelow - meanAbove) ** 2;
    // relative tolerance: ties of a symmetric histogram keep the lowest level, like skimage's argmax
    if (variance > bestVariance * (1 + 1e-12)) {
      bestVariance = variance;
      best = level;
    }
  }
  return best;
}
