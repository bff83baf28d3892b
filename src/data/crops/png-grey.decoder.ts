import { inflateSync } from 'node:zlib';

/** An output chunk no bigger than this, whatever size a header claims: bigger images inflate in several. */
const MAX_CHUNK = 1 << 26;
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export interface PngGreyPixels {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * Decodes the common case of screen images, 8-bit greyscale non-interlaced
 * PNG, without sharp: sharp's per-call overhead capped decoding at ~330
 * images/s here, zlib plus unfiltering reaches ~1,500. Returns undefined for
 * anything else (colour, 16-bit, palette, interlaced), which goes to sharp.
 *
 * Inflate runs on the calling thread, in one output chunk: async inflate on the libuv pool
 * handed back 16 KB chunks, and their callbacks plus the idle waits cost more main-thread
 * time (~20% of a one-crop run) than inflating a screen image in place.
 */
export async function decodePngGrey(file: Buffer): Promise<PngGreyPixels | undefined> {
  if (file.length < 33 || SIGNATURE.some((byte, i) => file[i] !== byte)) return undefined;
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset + 8 <= file.length) {
    const length = file.readUInt32BE(offset);
    const type = file.toString('latin1', offset + 4, offset + 8);
    const body = file.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colour, , , interlace] = [body[8], body[9], body[10], body[11], body[12]];
      if (depth !== 8 || colour !== 0 || interlace !== 0) return undefined;
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    offset += 12 + length;
  }
  if (width === 0 || height === 0 || idat.length === 0) return undefined;
  const expected = (width + 1) * height;
  const raw = inflateSync(idat.length === 1 ? idat[0] : Buffer.concat(idat), { chunkSize: Math.max(64, Math.min(expected, MAX_CHUNK)) });
  if (raw.length < expected) throw new Error('truncated PNG data');
  return { data: unfilter(raw, width, height), width, height };
}

/**
 * PNG filters 0-4 for one byte per pixel; one loop per filter keeps the hot path branch-free.
 * Unfilters in place, in the inflated buffer (no second 64 KB array per image): pixel (x, y)
 * moves from y * (width + 1) + 1 + x down to y * width + x, so every write lands on a byte
 * already read, and the row above stays intact until the row below is done with it.
 */
function unfilter(raw: Buffer, width: number, height: number): Uint8Array {
  const out = new Uint8Array(raw.buffer, raw.byteOffset, width * height);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (width + 1)];
    const src = y * (width + 1) + 1;
    const row = y * width;
    const prev = row - width;
    if (filter === 0) {
      out.copyWithin(row, src, src + width);
    } else if (filter === 1) {
      let left = 0;
      for (let x = 0; x < width; x += 1) {
        left = (raw[src + x] + left) & 0xff;
        out[row + x] = left;
      }
    } else if (filter === 2) {
      if (y === 0) out.copyWithin(row, src, src + width);
      else for (let x = 0; x < width; x += 1) out[row + x] = raw[src + x] + out[prev + x];
    } else if (filter === 3) {
      for (let x = 0; x < width; x += 1) {
        const a = x > 0 ? out[row + x - 1] : 0;
        const b = y > 0 ? out[prev + x] : 0;
        out[row + x] = raw[src + x] + ((a + b) >> 1);
      }
    } else if (filter === 4) {
      for (let x = 0; x < width; x += 1) {
        const a = x > 0 ? out[row + x - 1] : 0;
        const b = y > 0 ? out[prev + x] : 0;
        const c = x > 0 && y > 0 ? out[prev + x - 1] : 0;
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        out[row + x] = raw[src + x] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      }
    } else {
      throw new Error(`bad PNG filter type ${filter}`);
    }
  }
  return out;
}
