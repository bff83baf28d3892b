import { crc32, deflateSync } from 'node:zlib';

/**
 * A minimal 8-bit greyscale PNG writer. Hand-rolled instead of sharp because
 * generated screens must be byte-identical for a preset and seed: this output
 * depends only on the pixels, the Sub filter and zlib at a fixed level.
 */
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const DEFLATE_LEVEL = 6;

export function encodeGreyPng(pixels: Uint8Array, width: number, height: number): Buffer {
  if (pixels.length !== width * height) throw new Error(`expected ${width * height} pixels, got ${pixels.length}`);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // colour type: greyscale
  header[10] = 0; // deflate
  header[11] = 0; // adaptive filtering
  header[12] = 0; // no interlace

  // Sub filter on every row: microscopy backgrounds are smooth, so horizontal
  // differences compress far better than raw bytes at no search cost.
  const stride = width + 1;
  const filtered = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y += 1) {
    const row = y * width;
    const out = y * stride;
    filtered[out] = 1;
    filtered[out + 1] = pixels[row];
    for (let x = 1; x < width; x += 1) filtered[out + 1 + x] = (pixels[row + x] - pixels[row + x - 1]) & 0xff;
  }
  const data = deflateSync(filtered, { level: DEFLATE_LEVEL });
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', data), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)) >>> 0, 8 + data.length);
  return out;
}
