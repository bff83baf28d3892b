/** Vectors as stored in Postgres (bytea) and in index files: float32, little-endian. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export function encodeVector(vector: Float32Array): Buffer {
  if (!LITTLE_ENDIAN) throw new Error('big-endian hosts are not supported');
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

export function decodeVector(bytes: Buffer | Uint8Array): Float32Array {
  if (!LITTLE_ENDIAN) throw new Error('big-endian hosts are not supported');
  if (bytes.byteLength % 4 !== 0) throw new Error(`a vector must be a multiple of 4 bytes, got ${bytes.byteLength}`);
  // copy: a Buffer from pg may sit at an unaligned offset of a shared pool
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
