import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

/** A deterministic grey PNG of the given size; `seed` varies the pixels, hence the content hash. */
export async function writeGreyPng(file: string, options: { size?: number; width?: number; height?: number; seed?: number } = {}): Promise<void> {
  const width = options.width ?? options.size ?? 64;
  const height = options.height ?? options.size ?? 64;
  const seed = options.seed ?? 1;
  const pixels = Buffer.alloc(width * height);
  for (let i = 0; i < pixels.length; i += 1) pixels[i] = (i * 31 + seed * 97 + ((i * seed) % 13)) & 0xff;
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, await sharp(pixels, { raw: { width, height, channels: 1 } }).png().toBuffer());
}

/** An RGB PNG: convertible to grey, so importable. */
export async function writeRgbPng(file: string, size = 64): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, await sharp({ create: { width: size, height: size, channels: 3, background: { r: 200, g: 40, b: 90 } } }).png().toBuffer());
}

/** A PNG whose header reads fine but whose image data is cut short and garbled. */
export async function writeCorruptPng(file: string): Promise<void> {
  const valid = await sharp(Buffer.alloc(64 * 64, 128), { raw: { width: 64, height: 64, channels: 1 } }).png({ compressionLevel: 0 }).toBuffer();
  const corrupt = Buffer.concat([valid.subarray(0, 60), Buffer.from('this is not deflate data at all, just text')]);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, corrupt);
}

/** A CSV manifest from a header and rows (no quoting needed by the fixtures). */
export async function writeManifest(file: string, header: string[], rows: Array<Array<string | number>>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${[header.join(','), ...rows.map((row) => row.join(','))].join('\n')}\n`);
}

export const MANIFEST_HEADER = ['path', 'cell_line', 'compound', 'concentration', 'plate', 'well', 'site', 'moa', 'control'];
