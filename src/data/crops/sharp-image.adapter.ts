import sharp from 'sharp';
import { readImageBytes, type ImageBytesReader } from '../image-bytes.reader';
import { decodePngGrey } from './png-grey.decoder';
import type { ChannelImage, ChannelPlanes } from '../channels/channel-image';
import { UnreadableImageError } from './unreadable-image.error';
import { errorMessage } from '../../util/error-text';

/**
 * A decoded single-channel 8-bit image, row-major: the channels = 1 case of ChannelImage.
 * `channels` may be left out where a grey image is built by hand.
 */
export type GreyImage = Omit<ChannelImage, 'channels'> & { channels?: 1 };

/**
 * The only place that talks to sharp: decoding screen images (PNG, TIFF,
 * JPEG, 8 or 16 bit, grey or colour) to 8-bit grey. 8-bit grey PNGs, what
 * the generator writes, take a faster pure path (png-grey.decoder.ts).
 *
 * Cropping, resizing, flipping and blurring are done in crop.renderer.ts on
 * the decoded pixels instead: one sharp pipeline per 64x64 crop measured
 * ~300 crops/s here (per-call overhead), the typed-array path >10,000.
 *
 * `read` fetches the file: off the event loop unless the caller is the crop reader (see
 * image-bytes.reader.ts).
 */
export async function decodeGrey(path: string, read: ImageBytesReader = readImageBytes): Promise<ChannelImage & GreyImage> {
  return decodeGreyFile(await read(path), path);
}

/**
 * The first `pages` grey planes of one file at the file's own bit depth: the pages of a
 * multi-page TIFF, or (pages = 1) the one image of a per-channel file. An 8-bit grey PNG takes
 * the pure path. Fewer pages than asked, or pages of different sizes, are an UnreadableImageError.
 */
export async function decodePlanes(path: string, pages: number, read: ImageBytesReader = readImageBytes): Promise<ChannelPlanes> {
  return planesOf(await read(path), path, pages);
}

/**
 * An uploaded image of a screen with `pages` channels (a query by image): a multi-page TIFF with
 * exactly that many pages, one per channel in the screen's order, at most `maxPixels` a page.
 * Anything else is an UnreadableImageError saying what is expected.
 */
export async function decodePlanesUpload(file: Buffer, pages: number, limits: { maxPixels: number }): Promise<ChannelPlanes> {
  const expected = `a screen of ${pages} channels takes a multi-page TIFF of ${pages} pages, one per channel in the screen's order`;
  if (formatOf(file) !== 'TIFF') throw new UnreadableImageError(`not a TIFF image: ${expected}`);
  let metadata: Awaited<ReturnType<ReturnType<typeof sharp>["metadata"]>>;
  try {
    metadata = await sharp(file).metadata();
  } catch (error) {
    throw new UnreadableImageError(`the TIFF header cannot be read: ${firstLine(error)}`);
  }
  if ((metadata.pages ?? 1) !== pages) throw new UnreadableImageError(`the TIFF has ${metadata.pages ?? 1} page(s): ${expected}`);
  const width = metadata.width ?? 0;
  const height = metadata.pageHeight ?? metadata.height ?? 0;
  if (width * height > limits.maxPixels) throw new UnreadableImageError(`a page is ${width}x${height} = ${width * height} pixels; at most ${limits.maxPixels} are accepted`);
  try {
    return await planesOf(file, 'the image', pages);
  } catch (error) {
    if (error instanceof UnreadableImageError) throw error;
    throw new UnreadableImageError(`the TIFF cannot be decoded: ${firstLine(error)}`);
  }
}

async function planesOf(file: Buffer, path: string, pages: number): Promise<ChannelPlanes> {
  if (pages === 1) {
    const fast = await decodePngGrey(file);
    if (fast) return { planes: [Uint16Array.from(fast.data)], width: fast.width, height: fast.height, maxValue: 255 };
  }
  const metadata = await sharp(file).metadata();
  const available = metadata.pages ?? 1;
  if (available < pages) throw new UnreadableImageError(`${path} has ${available} page(s), the screen has ${pages} channels`);
  const wide = metadata.depth === 'ushort' || metadata.depth === 'short';
  const planes: Uint16Array[] = [];
  let size: { width: number; height: number } | undefined;
  for (let page = 0; page < pages; page += 1) {
    const pipeline = sharp(file, { page });
    // a colour file goes through the grey conversion decodeGrey uses; a grey one keeps its values
    // exactly (without grey16 libvips would hand 16-bit grey back as 8-bit sRGB)
    const colour = (metadata.channels ?? 1) >= 3;
    const single = colour ? pipeline : pipeline.extractChannel(0);
    const grey = wide ? single.toColourspace('grey16') : colour ? single.toColourspace('b-w') : single;
    const { data, info } = await grey.raw({ depth: wide ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
    if (size && (info.width !== size.width || info.height !== size.height)) {
      throw new UnreadableImageError(`${path}: page ${page + 1} is ${info.width}x${info.height}, page 1 is ${size.width}x${size.height}`);
    }
    size = { width: info.width, height: info.height };
    planes.push(wide ? new Uint16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length)) : Uint16Array.from(data));
  }
  if (!size) throw new UnreadableImageError(`${path}: no page to decode`);
  return { planes, ...size, maxValue: wide ? 65535 : 255 };
}

/**
 * Image bytes from outside (a query by image): PNG or TIFF only, at most `maxPixels`, checked
 * from the header before anything is decoded. Decoded as a screen image is, so an image of the
 * screen gives exactly the pixels it was embedded from. Anything wrong is an UnreadableImageError
 * with the reason.
 */
export async function decodeGreyUpload(file: Buffer, limits: { maxPixels: number }): Promise<ChannelImage & GreyImage> {
  const format = formatOf(file);
  if (!format) throw new UnreadableImageError('not a PNG or TIFF image (its first bytes are neither signature)');
  let width: number | undefined;
  let height: number | undefined;
  try {
    ({ width, height } = await sharp(file).metadata());
  } catch (error) {
    throw new UnreadableImageError(`the ${format} header cannot be read: ${firstLine(error)}`);
  }
  if (!width || !height) throw new UnreadableImageError(`the ${format} has no width and height`);
  if (width * height > limits.maxPixels) throw new UnreadableImageError(`the image is ${width}x${height} = ${width * height} pixels; at most ${limits.maxPixels} are accepted`);
  try {
    return await decodeGreyFile(file, 'the image');
  } catch (error) {
    throw new UnreadableImageError(`the ${format} cannot be decoded: ${firstLine(error)}`);
  }
}

async function decodeGreyFile(file: Buffer, path: string): Promise<ChannelImage & GreyImage> {
  const fast = await decodePngGrey(file);
  if (fast) return { ...fast, channels: 1 };
  return decodeWithSharp(file, path);
}

function formatOf(file: Buffer): 'PNG' | 'TIFF' | undefined {
  if (file.subarray(0, 8).equals(PNG_SIGNATURE)) return 'PNG';
  const head = file.subarray(0, 4);
  if (head.equals(TIFF_LITTLE_ENDIAN) || head.equals(TIFF_BIG_ENDIAN)) return 'TIFF';
  return undefined;
}

function firstLine(error: unknown): string {
  return errorMessage(error).split('\n')[0];
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const TIFF_LITTLE_ENDIAN = Buffer.from([0x49, 0x49, 0x2a, 0x00]);
const TIFF_BIG_ENDIAN = Buffer.from([0x4d, 0x4d, 0x00, 0x2a]);

async function decodeWithSharp(file: Buffer, path: string): Promise<ChannelImage & GreyImage> {
  // toColourspace('b-w') makes sharp emit one channel; a grey PNG otherwise comes back as sRGB
  const { data, info } = await sharp(file).toColourspace('b-w').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`${path}: expected 1 channel after conversion, got ${info.channels}`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: 1 };
}
