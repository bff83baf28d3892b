import type { ChannelPlanes } from './channel-image';

/** [low, high] intensities of one channel in the files' own units: low maps to 0, high to 255. */
export type ChannelRange = [number, number];

/** Per plate, one range per channel in the screen's channel order. */
export type ChannelNormalisation = Record<string, ChannelRange[]>;

/**
 * Robust percentiles: the 0.1th and 99.9th ignore a few hot or dead pixels and the
 * rare saturated debris that a min/max would stretch the whole plate to.
 */
export const NORMALISATION_PERCENTILES = { low: 0.001, high: 0.999 } as const;

/**
 * 8-bit planar pixels from the files' channels. With the plate's ranges each channel is
 * stretched so its low percentile is 0 and its high one 255 (clipped beyond); without them
 * (a plate the normalisation does not know) the bit depth alone is scaled to 8 bits, as a grey
 * image is decoded.
 */
export function normalisePlanes(source: ChannelPlanes, ranges: readonly ChannelRange[] | undefined): Uint8Array {
  const size = source.width * source.height;
  const out = new Uint8Array(size * source.planes.length);
  source.planes.forEach((plane, c) => {
    const [low, high] = ranges?.[c] ?? [0, source.maxValue];
    const scale = high > low ? 255 / (high - low) : 0;
    const offset = c * size;
    for (let i = 0; i < size; i += 1) {
      const value = (plane[i] - low) * scale;
      out[offset + i] = value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
    }
  });
  return out;
}

/** Counts of every intensity per channel, summed over the images of one plate's sample. */
export class ChannelHistogram {
  private readonly counts: Uint32Array[];
  private readonly totals: number[];

  constructor(readonly channels: number) {
    this.counts = Array.from({ length: channels }, () => new Uint32Array(65536));
    this.totals = new Array<number>(channels).fill(0);
  }

  add(source: ChannelPlanes): void {
    if (source.planes.length !== this.channels) throw new Error(`expected ${this.channels} channels, got ${source.planes.length}`);
    source.planes.forEach((plane, c) => {
      const counts = this.counts[c];
      for (let i = 0; i < plane.length; i += 1) counts[plane[i]] += 1;
      this.totals[c] += plane.length;
    });
  }

  /** The robust range of every channel; a channel with one intensity only gets [v, v + 1]. */
  ranges(): ChannelRange[] {
    return this.counts.map((counts, c) => {
      const low = quantile(counts, this.totals[c], NORMALISATION_PERCENTILES.low);
      const high = quantile(counts, this.totals[c], NORMALISATION_PERCENTILES.high);
      return [low, high > low ? high : low + 1];
    });
  }
}

/** The smallest intensity whose cumulative count reaches share x total (nearest-rank). */
function quantile(counts: Uint32Array, total: number, share: number): number {
  const rank = Math.max(1, Math.ceil(share * total));
  let seen = 0;
  for (let value = 0; value < counts.length; value += 1) {
    seen += counts[value];
    if (seen >= rank) return value;
  }
  return counts.length - 1;
}
