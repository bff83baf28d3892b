import type { ChannelImage } from '../../data/channels/channel-image';
import type { ScreenChannel } from '../../data/channels/screen-channel';
import { CLASSICAL_FEATURES, extractClassicalFeatures } from './classical-features';
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

/** The features of one image, in classicalFeatureSpecs' order: each channel measured on its own pixels. */
export function extractChannelFeatures(image: ChannelImage): Float32Array {
  if (image.channels === 1) return extractClassicalFeatures({ data: image.data, width: image.width, height: image.height });
  const area = image.width * image.height;
  const dim = CLASSICAL_FEATURES.length;
  const out = new Float32Array(dim * image.channels);
  for (let c = 0; c < image.channels; c += 1) {
    out.set(extractClassicalFeatures({ data: image.data.subarray(c * area, (c + 1) * area), width: image.width, height: image.height }), c * dim);
  }
  return out;
}
