/**
 * Row-major float32 matrix of embeddings: one contiguous buffer rather than arrays of
 * arrays, so the distance kernels stream memory and a 300 x 2048 set is 2.4 MB, not 300
 * separate heap objects.
 */
export interface VectorMatrix {
  readonly rows: number;
  readonly dim: number;
  readonly data: Float32Array;
}

export function matrixFromRows(rows: ArrayLike<ArrayLike<number>>, dim?: number): VectorMatrix {
  const width = dim ?? (rows.length > 0 ? rows[0].length : 0);
  const data = new Float32Array(rows.length * width);
  for (let i = 0; i < rows.length; i += 1) {
    const row = rows[i];
    if (row.length !== width) throw new RangeError(`row ${i} has ${row.length} values, expected ${width}`);
    for (let j = 0; j < width; j += 1) data[i * width + j] = row[j];
  }
  return { rows: rows.length, dim: width, data };
}

export function matrixFromBuffer(data: Float32Array, dim: number): VectorMatrix {
  if (dim <= 0 || data.length % dim !== 0) throw new RangeError(`buffer of ${data.length} values is not a whole number of ${dim}-d rows`);
  return { rows: data.length / dim, dim, data };
}

export function row(matrix: VectorMatrix, index: number): Float32Array {
  return matrix.data.subarray(index * matrix.dim, (index + 1) * matrix.dim);
}

/** Copies the chosen rows, in the order given, into a new matrix. */
export function selectRows(matrix: VectorMatrix, indices: readonly number[]): VectorMatrix {
  const data = new Float32Array(indices.length * matrix.dim);
  indices.forEach((index, i) => data.set(row(matrix, index), i * matrix.dim));
  return { rows: indices.length, dim: matrix.dim, data };
}

export function toNumberRows(matrix: VectorMatrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < matrix.rows; i += 1) out.push(Array.from(row(matrix, i)));
  return out;
}

/**
 * The bulk products of the float32 PCA path, which a faster backend provides (tfjs in
 * embedding/matrix.adapter.ts), so the numeric core itself stays free of tfjs.
 */
export interface MatrixProducts {
  /** X [n x dim] times B^T, B [p x dim] row-major: [n x p]. */
  timesTransposed(x: Float32Array, dim: number, b: Float32Array, p: number): Float32Array;
  /** Z^T X for Z [n x p], X [n x dim]: [p x dim]. */
  transposedTimes(z: Float32Array, p: number, x: Float32Array, dim: number): Float32Array;
}
