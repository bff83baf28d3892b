import { closeSync, openSync, readSync } from 'node:fs';

/** How another thread of this process reaches the same rows. */
export type VectorRowsDescriptor = { kind: 'memory'; dimensions: number; values: Float32Array } | { kind: 'file'; dimensions: number; count: number; path: string };

/**
 * An index's full vectors, row by row: what exact re-ranking reads. In memory while an index is
 * built in-process (benches, tests); read from its file with positional reads once it is stored,
 * so a loaded index holds only its graph and projection, and the vectors a search needs come from
 * the page cache (8 KiB a 2048-d row, a few dozen rows a search).
 */
export interface VectorRows {
  readonly dimensions: number;
  readonly count: number;
  /** bytes this process holds for the rows (a file's are the kernel's page cache, not counted) */
  readonly residentBytes: number;
  /** row i into `out` (a fresh array without it) */
  read(row: number, out?: Float32Array): Float32Array;
  descriptor(): VectorRowsDescriptor;
  close(): void;
}

export class MemoryRows implements VectorRows {
  readonly count: number;

  constructor(
    readonly values: Float32Array,
    readonly dimensions: number,
  ) {
    this.count = values.length / dimensions;
  }

  get residentBytes(): number {
    return this.values.byteLength;
  }

  read(row: number, out = new Float32Array(this.dimensions)): Float32Array {
    out.set(this.values.subarray(row * this.dimensions, (row + 1) * this.dimensions));
    return out;
  }

  /** Shared memory crosses to search threads without a copy; other memory is copied. */
  descriptor(): VectorRowsDescriptor {
    return { kind: 'memory', dimensions: this.dimensions, values: this.values };
  }

  close(): void {}
}

/**
 * Rows of a little-endian float32 file (vectors.f32), read through one descriptor held open:
 * the file may be replaced or deleted by a newer build while this index still answers.
 */
export class FileRows implements VectorRows {
  readonly residentBytes = 0;
  private fd: number | undefined;

  constructor(
    readonly path: string,
    readonly dimensions: number,
    readonly count: number,
  ) {
    this.fd = openSync(path, 'r');
  }

  read(row: number, out = new Float32Array(this.dimensions)): Float32Array {
    if (this.fd === undefined) throw new Error(`vector rows of ${this.path} are closed`);
    const bytes = this.dimensions * 4;
    const view = new Uint8Array(out.buffer, out.byteOffset, bytes);
    const read = readSync(this.fd, view, 0, bytes, row * bytes);
    if (read !== bytes) throw new Error(`short read of row ${row} in ${this.path}`);
    return out;
  }

  /** Another thread opens its own descriptor on the same file, even once the path is gone (Linux /proc). */
  descriptor(): VectorRowsDescriptor {
    if (this.fd === undefined) throw new Error(`vector rows of ${this.path} are closed`);
    return { kind: 'file', dimensions: this.dimensions, count: this.count, path: `/proc/${process.pid}/fd/${this.fd}` };
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

export function rowsOf(descriptor: VectorRowsDescriptor): VectorRows {
  return descriptor.kind === 'memory' ? new MemoryRows(descriptor.values, descriptor.dimensions) : new FileRows(descriptor.path, descriptor.dimensions, descriptor.count);
}
