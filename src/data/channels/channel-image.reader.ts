import path from 'node:path';
import { decodeGrey, decodePlanes } from '../crops/sharp-image.adapter';
import { readImageBytes, type ImageBytesReader } from '../image-bytes.reader';
import { UnreadableImageError } from '../crops/unreadable-image.error';
import type { ChannelImage, ChannelPlanes } from './channel-image';
import { normalisePlanes, type ChannelNormalisation } from './channel-normalisation';
import type { ScreenChannel } from './screen-channel';

/** Where an image's channels are: `channelPaths` one file per channel in the screen's order, or null. */
export interface ChannelImageSource {
  path: string;
  channelPaths: string[] | null;
  plate: string;
}

/** What a screen says about its channels: their order, and each plate's normalisation. */
export interface ChannelScreen {
  channels: readonly ScreenChannel[];
  normalisation?: ChannelNormalisation | null;
}

/**
 * One image of a screen as 8-bit planar channels. A one-channel screen reads exactly what
 * decodeGrey has always read. A multi-channel screen reads one file per channel, or the
 * pages of one multi-page TIFF when the image has no channel paths, and stretches each
 * channel with its plate's percentiles. Paths are relative to `root` (absolute ones stay).
 * `read` fetches each file (image-bytes.reader.ts).
 */
export async function readChannelImage(root: string, image: ChannelImageSource, screen: ChannelScreen, read: ImageBytesReader = readImageBytes): Promise<ChannelImage> {
  if (screen.channels.length <= 1) return decodeGrey(path.resolve(root, image.path), read);
  const planes = await readChannelPlanes(root, image, screen.channels.length, read);
  return { data: normalisePlanes(planes, screen.normalisation?.[image.plate]), width: planes.width, height: planes.height, channels: planes.planes.length };
}

/**
 * The channels of one image at the files' own bit depth, before normalisation: what the
 * percentiles are computed from. Channel files of different sizes are an UnreadableImageError.
 */
export async function readChannelPlanes(root: string, image: ChannelImageSource, channels: number, read: ImageBytesReader = readImageBytes): Promise<ChannelPlanes> {
  if (!image.channelPaths) return decodePlanes(path.resolve(root, image.path), channels, read);
  if (image.channelPaths.length !== channels) {
    throw new UnreadableImageError(`${image.path}: ${image.channelPaths.length} channel files for a screen of ${channels} channels`);
  }
  const parts = await Promise.all(image.channelPaths.map((file) => decodePlanes(path.resolve(root, file), 1, read)));
  const [first] = parts;
  parts.forEach((part, c) => {
    if (part.width !== first.width || part.height !== first.height) {
      throw new UnreadableImageError(`${image.channelPaths?.[c]} is ${part.width}x${part.height}, ${image.channelPaths?.[0]} is ${first.width}x${first.height}`);
    }
  });
  // a 16-bit channel beside 8-bit ones: the 8-bit ones are put on the 16-bit scale (x257, as libvips does)
  const maxValue = Math.max(...parts.map((part) => part.maxValue));
  const planes = parts.map((part) => (part.maxValue === maxValue ? part.planes[0] : part.planes[0].map((value) => value * 257)));
  return { planes, width: first.width, height: first.height, maxValue };
}
