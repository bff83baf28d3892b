/** A benchmark figure rounded for its JSON line. */
export function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** The p-th percentile of request latencies, in ms to 0.01 (nearest rank); null for none. */
export function latencyPercentile(latencies: readonly number[], p: number): number | null {
  if (latencies.length === 0) return null;
  const sorted = [...latencies].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))], 2);
}
