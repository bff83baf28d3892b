import type { ChannelImage } from '../../data/channels/channel-image';
import type { ScreenChannel } from '../../data/channels/screen-channel';
import { CLASSICAL_FEATURES, extractClassicalFeatures, segmentByOtsu } from './classical-features';
import type { ClassicalFeatureSpec } from './feature.spec';

/**
 * The classical columns of a screen: a grey screen's are CLASSICAL_FEATURES as they always
 * were; a screen of several channels measures all of them on every channel, named
 * `<channel>_<feature>` in the screen's channel order (as CellProfiler suffixes a measurement
 * with the image it was made on).
 */
export function classicalFeatureSpecs(channels: readonly ScreenChannel[]): ClassicalFeatureSpec[] {
  if (channels.length <= 1) return [...CLASSICAL_FEATURES];
  return channels.flatMap((channel) => CLASSICAL_FEATURES.map((spec) => ({ ...spec, name: `${channel.name}_${spec.name}`, description: `${channel.name}: ${spec.description}` })));
}

/**
 * The features of one image, in classicalFeatureSpecs' order. Objects and nuclei come from the
 * screen's DNA channel when it has one (as CellProfiler segments nuclei on DAPI and measures every
 * stain within them): each channel then gives its intensities within the same cells. Without a DNA
 * channel, each channel segments its own pixels.
 */
export function extractChannelFeatures(image: ChannelImage, channels: readonly ScreenChannel[]): Float32Array {
  if (image.channels === 1) return extractClassicalFeatures({ data: image.data, width: image.width, height: image.height });
  const area = image.width * image.height;
  const plane = (c: number) => ({ data: image.data.subarray(c * area, (c + 1) * area), width: image.width, height: image.height });
  const dnaIndex = channels.findIndex((channel) => channel.role.toLowerCase() === 'dna');
  const segmentation = dnaIndex >= 0 && dnaIndex < image.channels ? segmentByOtsu(plane(dnaIndex)) : undefined;
  const dim = CLASSICAL_FEATURES.length;
  const out = new Float32Array(dim * image.channels);
  for (let c = 0; c < image.channels; c += 1) out.set(extractClassicalFeatures(plane(c), segmentation), c * dim);
  return out;
}
