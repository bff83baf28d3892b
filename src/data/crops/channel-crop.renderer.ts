import type { ChannelImage } from '../channels/channel-image';
import { CROP_SIZE, type CropView } from './crop.plan';
import { renderCrop } from './crop.renderer';
import type { GreyImage } from './sharp-image.adapter';

const planes = new WeakMap<ChannelImage, GreyImage[]>();

/** The image's channels as grey images, made once per image so each keeps its summed-area table across views. */
export function channelPlanes(image: ChannelImage): GreyImage[] {
  const cached = planes.get(image);
  if (cached) return cached;
  const { width, height } = image;
  const area = width * height;
  const made = Array.from({ length: image.channels }, (_, c) => ({ data: image.data.subarray(c * area, (c + 1) * area), width, height }));
  planes.set(image, made);
  return made;
}

/**
 * Cuts one view out of every channel of an image, the same box, flip and blur for each, into
 * `out` at `offset` as an NHWC tile (channels interleaved: out[offset + (y * size + x) * C + c]),
 * the layout the networks take. One channel goes straight through renderCrop: a grey screen's
 * crops are exactly what they were before screens had channels.
 */
export function renderChannelCrop(image: ChannelImage, view: CropView, out: Float32Array, offset: number, outSize = CROP_SIZE): void {
  const channels = image.channels;
  if (channels === 1) {
    renderCrop(channelPlanes(image)[0], view, out, offset, outSize);
    return;
  }
  const pixels = outSize * outSize;
  const plane = new Float32Array(pixels);
  channelPlanes(image).forEach((grey, c) => {
    renderCrop(grey, view, plane, 0, outSize);
    for (let i = 0; i < pixels; i += 1) out[offset + i * channels + c] = plane[i];
  });
}
