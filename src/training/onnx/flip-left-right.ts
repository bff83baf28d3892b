/** NHWC rows [n, h, w, c] mirrored along the width: tf.image.flipLeftRight on plain data. */
export function flipLeftRight(pixels: Float32Array, shape: readonly number[]): Float32Array {
  const [n, h, w, c] = shape;
  if (pixels.length !== n * h * w * c) throw new Error(`a batch of ${pixels.length} values is not [${shape}]`);
  const out = new Float32Array(pixels.length);
  for (let line = 0; line < n * h; line += 1) {
    const start = line * w * c;
    for (let x = 0; x < w; x += 1) {
      const to = start + x * c;
      const from = start + (w - 1 - x) * c;
      for (let k = 0; k < c; k += 1) out[to + k] = pixels[from + k];
    }
  }
  return out;
}
