import path from 'node:path';
import { BadUserInputError, NotFoundError } from '../errors/app-errors';
import type { ImageFileRepository } from '../db/repositories/image-file.repository';
import { readChannelImage } from './channels/channel-image.reader';
import { encodeGreyPng } from './synthetic/png.encoder';

/** One channel of one image as an 8-bit PNG, normalised as training reads it. */
export interface ChannelPng {
  png: Buffer;
  channel: string;
  channels: string[];
}

/** Serves a screen's images one channel at a time (the dashboard's channel picker). */
export class ImageFileService {
  constructor(private readonly images: ImageFileRepository) {}

  /** `channel` absent: the screen's first channel (a grey screen's only one). */
  async channelPng(imageIdText: string, channel: string | null): Promise<ChannelPng> {
    if (!/^[1-9]\d{0,15}$/.test(imageIdText)) throw new BadUserInputError(`image id must be a positive integer, got "${imageIdText}"`, 'id');
    const image = await this.images.find(Number(imageIdText));
    if (!image) throw new NotFoundError('image', imageIdText);
    const names = image.screen.channels.map((entry) => entry.name);
    const index = channel === null ? 0 : names.findIndex((name) => name.toLowerCase() === channel.toLowerCase());
    if (index < 0) throw new BadUserInputError(`the image's screen has no channel "${channel}" (it has ${names.join(', ')})`, 'channel');
    // stored paths are relative to the screen's root and were checked against it on import: one that now leads out of it is refused
    for (const file of [image.path, ...(image.channelPaths ?? [])]) {
      const relative = path.relative(image.root, path.resolve(image.root, file));
      if (relative.startsWith('..') || path.isAbsolute(relative)) throw new NotFoundError('image', imageIdText);
    }
    const read = await readChannelImage(image.root, { path: image.path, channelPaths: image.channelPaths, plate: image.plate }, image.screen);
    const area = read.width * read.height;
    const png = encodeGreyPng(read.data.subarray(index * area, (index + 1) * area), read.width, read.height);
    return { png, channel: names[index], channels: names };
  }
}
