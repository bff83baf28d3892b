import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { decodePngGrey } from './png-grey.decoder';

/** A decoded single-channel 8-bit image, row-major. */
export interface GreyImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * The only place that talks to sharp: decoding screen images (PNG, TIFF,
 * JPEG, 8 or 16 bit, grey or colour) to 8-bit grey. 8-bit grey PNGs, what
 * the generator writes, take a faster pure path (png-grey.decoder.ts).
 *
 * Cropping, resizing, flipping and blurring are done in crop.renderer.ts on
 * the decoded pixels instead: one sharp pipeline per 64x64 crop measured
 * ~300 crops/s here (per-call overhead), the typed-array path >10,000.
 */
export async function decodeGrey(path: string): Promise<GreyImage> {
  const file = await readFile(path);
  const fast = await decodePngGrey(file);
  if (fast) return fast;
  return decodeWithSharp(file, path);
}

async function decodeWithSharp(file: Buffer, path: string): Promise<GreyImage> {
  // toColourspace('b-w') makes sharp emit one channel; a grey PNG otherwise comes back as sRGB
  const { data, info } = await sharp(file).toColourspace('b-w').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`${path}: expected 1 channel after conversion, got ${info.channels}`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}
