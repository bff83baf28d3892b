import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { readImageBytes } from '../image-bytes.reader';

/** What the importer needs to know about one image file. */
export type ImageInspection =
  | { ok: true; width: number; height: number; contentHash: string }
  | { ok: false; reason: string };

/** The port the import rules depend on; the sharp adapter below is the real one. */
export interface ImageInspector {
  /** `pages` > 1: the file is a multi-page TIFF whose first `pages` pages are the channels, each decoded */
  inspect(absolutePath: string, options?: { pages?: number }): Promise<ImageInspection>;
}

/** Bands a grey conversion understands: grey, grey + alpha, RGB, RGBA (or CMYK). */
const MAX_CONVERTIBLE_CHANNELS = 4;

/**
 * PNG and JPEG cannot hold more bands than that, so for them the band check needs no header
 * read of its own: one decode per image instead of two (a fifth of an import's time at 64 px).
 */
const AT_MOST_FOUR_BANDS = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from([0xff, 0xd8, 0xff])];

/**
 * The importer's only contact with sharp: reads a file once, hashes its bytes (sha256) and
 * decodes it fully to grey, because a readable header says nothing about a truncated body.
 */
export class SharpImageInspector implements ImageInspector {
  async inspect(absolutePath: string, options: { pages?: number } = {}): Promise<ImageInspection> {
    let file: Buffer;
    try {
      file = await readImageBytes(absolutePath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { ok: false, reason: 'file not found' };
      if (code === 'EISDIR') return { ok: false, reason: 'is a directory, not an image file' };
      return { ok: false, reason: `cannot read file (${code ?? (error as Error).message})` };
    }
    const contentHash = createHash('sha256').update(file).digest('hex');
    try {
      const wanted = options.pages ?? 1;
      if (wanted > 1 || !AT_MOST_FOUR_BANDS.some((signature) => file.subarray(0, signature.length).equals(signature))) {
        const metadata = await sharp(file).metadata();
        const channels = metadata.channels ?? 0;
        if (channels < 1 || channels > MAX_CONVERTIBLE_CHANNELS) {
          return { ok: false, reason: `has ${channels} channels (${metadata.space ?? 'unknown'} space): not grey or convertible to grey` };
        }
        const pages = metadata.pages ?? 1;
        if (wanted > 1 && pages !== wanted) return { ok: false, reason: `has ${pages} page(s), the screen has ${wanted} channels` };
      }
      // failOn 'warning': libvips only warns about a truncated or damaged stream unless told otherwise;
      // several pages are decoded as one tall image, which libvips refuses when their sizes differ
      const { info } = await sharp(file, { failOn: 'warning', ...(wanted > 1 ? { pages: wanted } : {}) }).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
      return { ok: true, width: info.width, height: wanted > 1 ? (info.pageHeight ?? info.height / wanted) : info.height, contentHash };
    } catch (error) {
      return { ok: false, reason: `not a decodable image (${firstLine((error as Error).message)})` };
    }
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0].trim();
}
