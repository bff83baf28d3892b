import * as tf from '@tensorflow/tfjs-core';
import type { MatrixProducts } from '../numeric/matrix';
import { selectBackend } from '../training/backend';

const ROWS_PER_CHUNK = 4096;

/**
 * The bulk matrix products of index building on the tfjs backend (XNNPACK under wasm):
 * about 10x plain JS loops here. Query-time products stay in JS (one vector, no dispatch).
 */
export class MatrixMath implements MatrixProducts {
  static async create(): Promise<MatrixMath> {
    if (!tf.getBackend()) await selectBackend({});
    return new MatrixMath();
  }

  /** X [n x dim] times B^T, B [p x dim] row-major: [n x p]. */
  timesTransposed(x: Float32Array, dim: number, b: Float32Array, p: number): Float32Array {
    const n = x.length / dim;
    const out = new Float32Array(n * p);
    const bt = tf.tensor2d(b, [p, dim]);
    try {
      for (let start = 0; start < n; start += ROWS_PER_CHUNK) {
        const rows = Math.min(ROWS_PER_CHUNK, n - start);
        const result = tf.tidy(() => tf.matMul(tf.tensor2d(x.subarray(start * dim, (start + rows) * dim), [rows, dim]), bt, false, true));
        out.set(result.dataSync() as Float32Array, start * p);
        result.dispose();
      }
    } finally {
      bt.dispose();
    }
    return out;
  }

  /** Z^T X for Z [n x p], X [n x dim]: [p x dim]. */
  transposedTimes(z: Float32Array, p: number, x: Float32Array, dim: number): Float32Array {
    const n = x.length / dim;
    const sum = new Float32Array(p * dim);
    for (let start = 0; start < n; start += ROWS_PER_CHUNK) {
      const rows = Math.min(ROWS_PER_CHUNK, n - start);
      const result = tf.tidy(() => tf.matMul(tf.tensor2d(z.subarray(start * p, (start + rows) * p), [rows, p]), tf.tensor2d(x.subarray(start * dim, (start + rows) * dim), [rows, dim]), true, false));
      const part = result.dataSync() as Float32Array;
      for (let i = 0; i < sum.length; i += 1) sum[i] += part[i];
      result.dispose();
    }
    return sum;
  }
}
