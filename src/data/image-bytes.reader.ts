import { readFile as readFileCallback, readFileSync } from 'node:fs';
import { promisify } from 'node:util';

/** Reads one image file whole. */
export type ImageBytesReader = (path: string) => Promise<Buffer>;

/**
 * Off the event loop: what the API server's paths (the image route, the import) and every other
 * reader use, so that a slow network filesystem delays one request, not all of them. The
 * callback API: fs/promises' readFile costs the main thread about three times as much per small
 * file (its open, stat, read and close are each a promise), a tenth of an import at 64 px.
 */
export const readImageBytes: ImageBytesReader = promisify(readFileCallback);

/**
 * On the calling thread, for the training worker's crop reader only, where it was measured to
 * matter: fs/promises' four pool round trips (open, fstat, read, close) were 16% of a one-crop
 * run's main thread, for ~40 KB files that a synchronous read returns in microseconds from the
 * page cache. A worker is a process of its own whose loop a training step already holds for
 * whole seconds; the API server's loop is never blocked by it.
 */
export const readImageBytesBlocking: ImageBytesReader = async (path) => readFileSync(path);
