import fs from 'node:fs/promises';
import path from 'node:path';
import { BadUserInputError } from '../../errors/app-errors';
import { listImageFiles } from './image-files';
import type { ImageInspector } from './image.inspector';

/** Where a path given to an import really lies, once symlinks are followed. */
type Located = { kind: 'inside'; real: string } | { kind: 'missing'; code: string } | { kind: 'outside' };

/**
 * How an import reaches the server's files. The CLI runs as the machine's own user and may read
 * anywhere; the API acts for whoever holds a writer key, so it reads only below configured roots.
 */
export interface ImportPaths {
  /** the manifest to read, as an absolute path */
  manifest(given: string): Promise<string>;
  /** the screen's root directory, as an absolute path */
  directory(given: string): Promise<string>;
  /** every image file below a directory that `directory` returned */
  listImages(root: string): Promise<string[]>;
  /** `inner`, reaching only the image files this policy allows */
  inspector(inner: ImageInspector): ImageInspector;
  /** problems an error may list (a pattern's problems are names from a directory listing) */
  readonly maxListedProblems: number;
}

/** Enough problem lines to fix a manifest by; the whole list is for the CLI's own user. */
const LISTED_ANYWHERE = 100;
/** An API client sees a few names of a listing, never a directory's contents. */
const LISTED_CONFINED = 5;

/** The CLI's reach: anything its user can read, reported as plainly as the file system does. */
export const ANYWHERE: ImportPaths = {
  manifest: async (given) => path.resolve(given),
  directory: async (given) => {
    const absolute = path.resolve(given);
    if (!(await isDirectory(absolute))) throw new BadUserInputError(`root ${absolute} is not a directory`, 'root');
    return absolute;
  },
  listImages: (root) => listImageFiles(root),
  inspector: (inner) => inner,
  maxListedProblems: LISTED_ANYWHERE,
};

/**
 * The API's reach: only below `roots`, judged on real paths (symlinks followed), so a link inside
 * a root that points elsewhere is refused. A path outside gets the same answer whether it exists
 * or not: the lexical check needs no file system, and a missing path is judged by the real
 * location of its deepest existing parent.
 */
export class ImportRoots implements ImportPaths {
  readonly maxListedProblems = LISTED_CONFINED;

  constructor(private readonly roots: readonly string[]) {}

  async manifest(given: string): Promise<string> {
    const located = await this.locate(given);
    if (located.kind === 'outside') throw this.outside('manifest', given);
    if (located.kind === 'missing') throw new BadUserInputError(`cannot read manifest ${given}: ${located.code}`, 'manifest');
    if (!(await isRegularFile(located.real))) throw new BadUserInputError(`manifest ${given} is not a regular file`, 'manifest');
    return located.real;
  }

  async directory(given: string): Promise<string> {
    const located = await this.locate(given);
    if (located.kind === 'outside') throw this.outside('root', given);
    if (located.kind !== 'inside' || !(await isDirectory(located.real))) throw new BadUserInputError(`root ${given} is not a directory`, 'root');
    return located.real;
  }

  async listImages(root: string): Promise<string[]> {
    try {
      return await listImageFiles(root);
    } catch (error) {
      // e.g. an unreadable subdirectory: named by its code alone, not by what else is there
      throw new BadUserInputError(`cannot list the images below ${root}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`, 'root');
    }
  }

  inspector(inner: ImageInspector): ImageInspector {
    return {
      inspect: async (absolute, options) => {
        const located = await this.locate(absolute);
        if (located.kind === 'outside') return { ok: false, reason: 'is outside the import roots' };
        if (located.kind === 'missing') return { ok: false, reason: located.code === 'not found' ? 'file not found' : `cannot read file (${located.code})` };
        // a FIFO or device would make the read below wait forever or never end
        if (!(await isRegularFile(located.real))) return { ok: false, reason: 'is not a regular file' };
        return inner.inspect(located.real, options);
      },
    };
  }

  /** Where `given` really lies relative to the roots. */
  private async locate(given: string): Promise<Located> {
    const absolute = path.resolve(given);
    const realRoots = await this.realRoots();
    if (!isBelowAny(absolute, [...this.roots, ...realRoots])) return { kind: 'outside' };
    try {
      const real = await fs.realpath(absolute);
      return isBelowAny(real, realRoots) ? { kind: 'inside', real } : { kind: 'outside' };
    } catch (error) {
      const parent = await deepestRealParent(absolute);
      if (parent === undefined || !isBelowAny(parent, realRoots)) return { kind: 'outside' };
      return { kind: 'missing', code: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : ((error as NodeJS.ErrnoException).code ?? 'unreadable') };
    }
  }

  private outside(field: 'manifest' | 'root', given: string): BadUserInputError {
    return new BadUserInputError(`${field} ${given} is not below an import root (${this.roots.join(path.delimiter)}; MORPHOSPACE_IMPORT_ROOTS)`, field);
  }

  /** Roots that exist, as real paths; a root not made yet allows nothing. */
  private async realRoots(): Promise<string[]> {
    const found = await Promise.all(this.roots.map((root) => fs.realpath(root).catch(() => undefined)));
    return found.filter((root): root is string => root !== undefined);
  }
}

function isBelowAny(candidate: string, roots: readonly string[]): boolean {
  return roots.some((root) => {
    const relative = path.relative(root, candidate);
    return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
  });
}

async function deepestRealParent(absolute: string): Promise<string | undefined> {
  for (let current = path.dirname(absolute); ; current = path.dirname(current)) {
    const real = await fs.realpath(current).catch(() => undefined);
    if (real !== undefined) return real;
    if (current === path.dirname(current)) return undefined;
  }
}

async function isRegularFile(file: string): Promise<boolean> {
  return fs.stat(file).then(
    (stats) => stats.isFile(),
    () => false,
  );
}

async function isDirectory(file: string): Promise<boolean> {
  return fs.stat(file).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}
