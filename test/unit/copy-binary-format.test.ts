import { describe, expect, it } from 'vitest';
import { copyHeader, copyTrailer, copyTuples, COPY_SIGNATURE, type CopyTuple } from '../../src/db/copy-binary.format';

/** A binary COPY stream of these tuples, as PostgreSQL writes it. */
function copyBytes(tuples: CopyTuple[], header = copyHeader()): Buffer {
  const parts = [header];
  for (const tuple of tuples) {
    const count = Buffer.alloc(2);
    count.writeInt16BE(tuple.length, 0);
    parts.push(count);
    for (const field of tuple) {
      const length = Buffer.alloc(4);
      length.writeInt32BE(field === null ? -1 : field.length, 0);
      parts.push(length);
      if (field) parts.push(field);
    }
  }
  parts.push(copyTrailer());
  return Buffer.concat(parts);
}

async function* inPieces(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let start = 0; start < bytes.length; start += size) yield Buffer.from(bytes.subarray(start, start + size));
}

async function read(chunks: AsyncIterable<Buffer>): Promise<CopyTuple[]> {
  const tuples: CopyTuple[] = [];
  for await (const batch of copyTuples(chunks)) tuples.push(...batch);
  return tuples;
}

const vector = Buffer.from(new Float32Array([1.5, -2, 3.25]).buffer);
const int = (value: number) => {
  const out = Buffer.alloc(4);
  out.writeInt32BE(value, 0);
  return out;
};
const TUPLES: CopyTuple[] = [
  [int(7), Buffer.from('ACHN'), null, vector],
  [int(8), Buffer.from(''), Buffer.from('tubulin — destabiliser'), Buffer.alloc(0)],
  [int(-1), Buffer.from('MCF7'), Buffer.from('x'), vector],
];

describe('binary COPY format', () => {
  it('reads back every tuple, NULLs and empty fields included, wherever the chunks cut the stream', async () => {
    const bytes = copyBytes(TUPLES);
    for (const size of [1, 2, 3, 5, 7, 13, 19, 64, bytes.length]) expect(await read(inPieces(bytes, size))).toEqual(TUPLES);
  });

  it('skips a header extension', async () => {
    const header = Buffer.concat([copyHeader(), Buffer.from('ext!')]);
    header.writeUInt32BE(4, COPY_SIGNATURE.length + 4);
    expect(await read(inPieces(copyBytes(TUPLES, header), 3))).toEqual(TUPLES);
  });

  it('reads a stream of no rows', async () => {
    expect(await read(inPieces(copyBytes([]), 4))).toEqual([]);
  });

  it('refuses a stream without the signature, one cut inside a tuple, and one without its trailer', async () => {
    const bytes = copyBytes(TUPLES);
    await expect(read(inPieces(Buffer.from(bytes).fill(0, 0, 1), 8))).rejects.toThrow(/signature/);
    await expect(read(inPieces(bytes.subarray(0, bytes.length - 9), 8))).rejects.toThrow(/ended inside a tuple/);
    await expect(read(inPieces(bytes.subarray(0, bytes.length - 2), 8))).rejects.toThrow(/without its trailer/);
  });
});
