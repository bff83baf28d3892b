import { describe, expect, it } from 'vitest';
import { decodeVector, encodeVector, roundToFloat16 } from '../../../src/embedding/vector-codec';
import { SeededRandom } from '../../../src/util/seeded-random';

/** Every half-precision bit pattern's value, computed independently of the codec's table. */
function halfValue(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return exponent === 0 ? sign * fraction * Math.pow(2, -24) : sign * Math.pow(2, exponent - 15) * (1 + fraction / 1024);
}

function bitsOf(vector: Float32Array): number[] {
  const bytes = encodeVector(vector, 'float16');
  return Array.from({ length: vector.length }, (_, i) => bytes.readUInt16LE(2 * i));
}

describe('vector codec', () => {
  it('keeps float32 bit for bit, from an unaligned buffer too', () => {
    const vector = Float32Array.from([1.5, -0, 3.4e38, 1e-45, NaN, -Infinity, 0.1]);
    const bytes = encodeVector(vector);
    expect(bytes.byteLength).toBe(28);
    const unaligned = Buffer.alloc(29);
    bytes.copy(unaligned, 1);
    expect(Object.is(decodeVector(unaligned.subarray(1), 7)[1], -0)).toBe(true);
    expect([...decodeVector(unaligned.subarray(1), 7)]).toEqual([...vector]);
  });

  it('writes float16 as 2 bytes a value and reads every one of the 65,536 half values back exactly', () => {
    const values = Float32Array.from({ length: 65536 }, (_, bits) => halfValue(bits));
    const finite = values.filter((value) => Number.isFinite(value));
    const encoded = encodeVector(finite, 'float16');
    expect(encoded.byteLength).toBe(finite.length * 2);
    const decoded = decodeVector(encoded, finite.length);
    expect(finite.filter((value, i) => !Object.is(decoded[i], value))).toEqual(new Float32Array(0));
    const special = decodeVector(encodeVector(Float32Array.from([Infinity, -Infinity, NaN, -0]), 'float16'), 4);
    expect([special[0], special[1]]).toEqual([Infinity, -Infinity]);
    expect(Number.isNaN(special[2])).toBe(true);
    expect(Object.is(special[3], -0)).toBe(true);
  });

  it('rounds to nearest, ties to even, subnormals included', () => {
    // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: even is 1; 1 + 3 * 2^-11 goes up to 1 + 2^-9
    expect(bitsOf(Float32Array.from([1 + 2 ** -11, 1 + 3 * 2 ** -11, 1 + 2 ** -11 + 2 ** -20]))).toEqual([0x3c00, 0x3c02, 0x3c01]);
    // the smallest subnormal is 2^-24: half of it ties to zero, a hair more rounds up, 1.5 of it ties to 2
    expect(bitsOf(Float32Array.from([2 ** -25, 2 ** -25 * (1 + 2 ** -20), 1.5 * 2 ** -24, 2 ** -26, -(2 ** -24)]))).toEqual([0x0000, 0x0001, 0x0002, 0x0000, 0x8001]);
    // the largest subnormal rounds up into the smallest normal
    expect(bitsOf(Float32Array.from([(1023.5 + 2 ** -10) * 2 ** -24]))).toEqual([0x0400]);
    // 65519 still rounds down to the largest half, 65504
    expect(bitsOf(Float32Array.from([65519, -65504]))).toEqual([0x7bff, 0xfbff]);
  });

  it('stays within half precision of the value: relative 2^-11 for normals, absolute 2^-25 below 2^-14', () => {
    const random = new SeededRandom('codec');
    const vector = Float32Array.from({ length: 20_000 }, (_, i) => (random.next() - 0.5) * 2 ** ((i % 40) - 30));
    const back = roundToFloat16(vector);
    const bound = (value: number) => (Math.abs(value) >= 2 ** -14 ? Math.abs(value) * 2 ** -11 : 2 ** -25);
    const outside = [...vector].filter((value, i) => Math.abs(back[i] - value) > bound(value));
    expect(outside).toEqual([]);
    expect(back.some((value, i) => value !== vector[i])).toBe(true);
  });

  it('keeps a vector with a finite value beyond the half range in float32 rather than turn it into infinity', () => {
    const vector = Float32Array.from([1, 70000, 0.5]);
    const encoded = encodeVector(vector, 'float16');
    expect(encoded.byteLength).toBe(12);
    expect([...decodeVector(encoded, 3)]).toEqual([1, 70000, 0.5]);
    expect(encodeVector(Float32Array.from([1, 65519, Infinity]), 'float16').byteLength).toBe(6);
  });

  it('refuses bytes that fit neither format for the row dimensions', () => {
    expect(() => decodeVector(Buffer.alloc(10), 4)).toThrow(/16 \(float32\) or 8 \(float16\) bytes, got 10/);
  });
});
