/**
 * Vectors as stored in Postgres (bytea): little-endian float32 (4 bytes a value) or IEEE 754
 * half precision (2 bytes a value). A row says which by its length against its dimensions, so
 * rows of both kinds read back alike and a deployment may switch at any time. Every read gives
 * float32. Index files hold float32 only.
 */
export const VECTOR_PRECISIONS = ['float32', 'float16'] as const;
export type VectorPrecision = (typeof VECTOR_PRECISIONS)[number];

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export function encodeVector(vector: Float32Array, precision: VectorPrecision = 'float32'): Buffer {
  if (!LITTLE_ENDIAN) throw new Error('big-endian hosts are not supported');
  // a finite value beyond half precision's range would come back as infinity: such a vector
  // keeps float32, which its length tells the reader
  if (precision === 'float32' || !fitsFloat16(vector)) return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
  const bits = new Uint32Array(vector.buffer, vector.byteOffset, vector.length);
  const out = Buffer.allocUnsafe(vector.length * 2);
  for (let i = 0; i < bits.length; i++) {
    const half = halfBitsOf(bits[i]);
    out[2 * i] = half & 0xff;
    out[2 * i + 1] = half >>> 8;
  }
  return out;
}

/** The stored bytes of a vector of `dimensions` values, float32 or float16 by their length. */
export function decodeVector(bytes: Buffer | Uint8Array, dimensions: number): Float32Array {
  if (!LITTLE_ENDIAN) throw new Error('big-endian hosts are not supported');
  if (bytes.byteLength === dimensions * 4) {
    // copy: a Buffer from pg may sit at an unaligned offset of a shared pool
    const out = new Float32Array(dimensions);
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  if (bytes.byteLength === dimensions * 2) {
    const table = halfTable();
    const out = new Float32Array(dimensions);
    for (let i = 0; i < dimensions; i++) out[i] = table[bytes[2 * i] | (bytes[2 * i + 1] << 8)];
    return out;
  }
  throw new Error(`a stored vector of ${dimensions} dimensions must be ${dimensions * 4} (float32) or ${dimensions * 2} (float16) bytes, got ${bytes.byteLength}`);
}

/** `vector` as it reads back after a float16 write: what a float16 deployment computes on. */
export function roundToFloat16(vector: Float32Array): Float32Array {
  return decodeVector(encodeVector(vector, 'float16'), vector.length);
}

/** Rows of `dimensions` values laid end to end, each as it reads back after a float16 write. */
export function roundRowsToFloat16(data: Float32Array, dimensions: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let start = 0; start < data.length; start += dimensions) out.set(roundToFloat16(data.subarray(start, start + dimensions)), start);
  return out;
}

function fitsFloat16(vector: Float32Array): boolean {
  for (let i = 0; i < vector.length; i++) {
    // NaN and the infinities have half-precision forms; finite values from 65520 up (the
    // largest half is 65504) round to infinity
    if (Math.abs(vector[i]) >= 65520 && Number.isFinite(vector[i])) return false;
  }
  return true;
}

/** The half-precision bits of float32 bits, rounded to nearest, ties to even (as a cast in C). */
function halfBitsOf(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  const mantissa = x & 0x7fffff;
  // infinity stays infinity; NaN stays a quiet NaN with the top of its payload
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200 | (mantissa >>> 13));
  const e = exponent - 112;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // below 2^-25 even rounding up gives zero
    if (e < -10) return sign;
    const full = mantissa | 0x800000;
    const shift = 14 - e;
    const half = full >>> shift;
    const rest = full & ((1 << shift) - 1);
    const tie = 1 << (shift - 1);
    return sign | (rest > tie || (rest === tie && (half & 1) === 1) ? half + 1 : half);
  }
  const half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // a carry out of the mantissa raises the exponent, up to infinity: what rounding means here
  return sign | (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1) ? half + 1 : half);
}

let table: Float32Array | undefined;

/** Every half-precision value as float32 (256 KiB, built on first use): decoding is a lookup. */
function halfTable(): Float32Array {
  if (table) return table;
  table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >>> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) table[h] = sign * mantissa * 2 ** -24;
    else if (exponent === 0x1f) table[h] = mantissa === 0 ? sign * Infinity : NaN;
    else table[h] = sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  return table;
}
