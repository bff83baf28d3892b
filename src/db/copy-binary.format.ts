/**
 * PostgreSQL's binary COPY format (the "Binary Format" part of the COPY page of its manual): an
 * 11-byte signature, a 32-bit flags field and a 32-bit header-extension length, then one tuple
 * per row (a 16-bit field count, then each field as a 32-bit length, -1 for NULL, and its bytes
 * in the type's binary send form, big-endian), then a 16-bit -1. Vectors travel as their stored
 * bytes: no hex text to write or to parse, which is half the bytes on the wire and no decoding.
 */
export const COPY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

const HEADER_BYTES = COPY_SIGNATURE.length + 8;

/** One row of a COPY TO: its fields' bytes, null for SQL NULL. */
export type CopyTuple = Array<Buffer | null>;

/** The header a binary COPY FROM starts with: no flags, no header extension. */
export function copyHeader(): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  COPY_SIGNATURE.copy(header, 0);
  return header;
}

/** The trailer a binary COPY FROM ends with. */
export function copyTrailer(): Buffer {
  const trailer = Buffer.alloc(2);
  trailer.writeInt16BE(-1, 0);
  return trailer;
}

/**
 * The tuples of a binary COPY TO stream, as many as each arriving chunk completes. The stream's
 * chunks fall anywhere in the format, so the bytes of a tuple cut by a chunk's end are carried
 * into the next one (one tuple at most). A field is a view of the chunk that brought it, not a
 * copy: read it before the next batch if the chunk may be reused (a socket's never is).
 */
export async function* copyTuples(chunks: AsyncIterable<Buffer>): AsyncGenerator<CopyTuple[]> {
  let pending: Buffer = Buffer.alloc(0);
  let headerRead = false;
  let ended = false;
  for await (const chunk of chunks) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let offset = 0;
    if (!headerRead) {
      if (pending.length < HEADER_BYTES) continue;
      if (!pending.subarray(0, COPY_SIGNATURE.length).equals(COPY_SIGNATURE)) throw new Error('not a binary COPY stream: its signature is missing');
      const extension = pending.readUInt32BE(COPY_SIGNATURE.length + 4);
      if (pending.length < HEADER_BYTES + extension) continue;
      offset = HEADER_BYTES + extension;
      headerRead = true;
    }
    const tuples: CopyTuple[] = [];
    while (!ended && offset + 2 <= pending.length) {
      const fieldCount = pending.readInt16BE(offset);
      if (fieldCount === -1) {
        ended = true;
        offset += 2;
        break;
      }
      const tuple = readTuple(pending, offset + 2, fieldCount);
      if (!tuple) break;
      tuples.push(tuple.fields);
      offset = tuple.end;
    }
    pending = pending.subarray(offset);
    if (tuples.length > 0) yield tuples;
  }
  if (!ended || pending.length > 0) throw new Error('a binary COPY stream ended inside a tuple or without its trailer');
}

/** The tuple whose fields start at `offset`, or undefined while its bytes have not all arrived. */
function readTuple(bytes: Buffer, offset: number, fieldCount: number): { fields: CopyTuple; end: number } | undefined {
  const fields: CopyTuple = new Array(fieldCount);
  for (let field = 0; field < fieldCount; field++) {
    if (offset + 4 > bytes.length) return undefined;
    const length = bytes.readInt32BE(offset);
    offset += 4;
    if (length === -1) {
      fields[field] = null;
      continue;
    }
    if (offset + length > bytes.length) return undefined;
    fields[field] = bytes.subarray(offset, offset + length);
    offset += length;
  }
  return { fields, end: offset };
}
