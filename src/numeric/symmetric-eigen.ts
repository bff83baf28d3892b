/**
 * Eigen-decomposition of a small dense symmetric matrix by cyclic Jacobi rotations.
 * Used on l x l matrices (l ~ 60) inside PCA, where its simplicity and its accuracy on
 * clustered eigenvalues matter more than speed. Returns eigenvalues in descending order
 * with eigenvectors as the columns of `vectors` (row-major n x n).
 */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep += 1) {
    let off = 0;
    let scale = 0;
    for (let i = 0; i < n; i += 1) {
      scale += a[i * n + i] * a[i * n + i];
      for (let j = i + 1; j < n; j += 1) off += a[i * n + j] * a[i * n + j];
    }
    // off-diagonal mass negligible against the diagonal (relative 1e-24 in squares, 1e-12 in values)
    if (off <= 1e-24 * Math.max(scale, 1e-300)) break;
    for (let p = 0; p < n; p += 1) {
      for (let q = p + 1; q < n; q += 1) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k += 1) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k += 1) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k += 1) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[y * n + y] - a[x * n + x]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((from, to) => {
    values[to] = a[from * n + from];
    for (let k = 0; k < n; k += 1) vectors[k * n + to] = v[k * n + from];
  });
  return { values, vectors };
}
