import { CROP_SIZE, type CropView } from './crop.plan';
import type { GreyImage } from './sharp-image.adapter';

/**
 * Cuts one view out of a decoded image into `out` at `offset`, as floats in
 * [0, 1]: resize to outSize, then horizontal flip, then 3x3 Gaussian blur
 * with reflected borders (torchvision's order: crop, flip, blur).
 *
 * Downscaling is exact area averaging read off a summed-area table (built
 * once per image and shared by all its views), so a 256 -> 64 view averages
 * 4x4 blocks instead of aliasing, at four table reads per output pixel; a
 * triangle-filter resampler cost ~10x more here. Upscaling (views smaller
 * than 64 px) is bilinear.
 */
export function renderCrop(image: GreyImage, view: CropView, out: Float32Array, offset: number, outSize = CROP_SIZE): void {
  const result = view.size === outSize && Number.isInteger(view.x) && Number.isInteger(view.y) ? copyView(image, view, outSize) : view.size >= outSize ? areaResize(image, view, outSize) : bilinearResize(image, view, outSize);
  if (view.flip) flipRows(result, outSize);
  if (view.blurSigma > 0) blur3x3(result, outSize, view.blurSigma);
  const inverse = 1 / 255;
  for (let i = 0; i < result.length; i += 1) {
    const value = result[i] * inverse;
    out[offset + i] = value < 0 ? 0 : value > 1 ? 1 : value;
  }
}

const integrals = new WeakMap<GreyImage, Float64Array>();

/** F[y * (w + 1) + x] = sum of pixels above and left of (x, y). */
export function integralImage(image: GreyImage): Float64Array {
  const cached = integrals.get(image);
  if (cached) return cached;
  const { data, width, height } = image;
  const stride = width + 1;
  const table = new Float64Array(stride * (height + 1));
  for (let y = 0; y < height; y += 1) {
    let rowSum = 0;
    const row = y * width;
    const above = y * stride;
    const here = (y + 1) * stride;
    for (let x = 0; x < width; x += 1) {
      rowSum += data[row + x];
      table[here + x + 1] = table[above + x + 1] + rowSum;
    }
  }
  integrals.set(image, table);
  return table;
}

/**
 * A view already the output's size, on whole pixels (every 64-px tile of the paper's embedding):
 * its pixels as they are, the values area averaging gives, without building the summed-area
 * table (most of a tiled embedding's rendering time).
 */
function copyView(image: GreyImage, view: CropView, outSize: number): Float32Array {
  const result = new Float32Array(outSize * outSize);
  for (let y = 0; y < outSize; y += 1) {
    const row = (view.y + y) * image.width + view.x;
    for (let x = 0; x < outSize; x += 1) result[y * outSize + x] = image.data[row + x];
  }
  return result;
}

function areaResize(image: GreyImage, view: CropView, outSize: number): Float32Array {
  const table = integralImage(image);
  const stride = image.width + 1;
  const step = view.size / outSize;
  // the integral of a piecewise-constant image is bilinear between table
  // corners, so sampling it at fractional box edges gives exact area averages
  const edges = outSize + 1;
  const xs = new Int32Array(edges);
  const fx = new Float64Array(edges);
  const ys = new Int32Array(edges);
  const fy = new Float64Array(edges);
  for (let i = 0; i < edges; i += 1) {
    const x = Math.min(view.x + i * step, view.x + view.size);
    const y = Math.min(view.y + i * step, view.y + view.size);
    xs[i] = Math.min(Math.floor(x), image.width - 1);
    fx[i] = x - xs[i];
    ys[i] = Math.min(Math.floor(y), image.height - 1);
    fy[i] = y - ys[i];
  }
  const grid = new Float64Array(edges * edges);
  for (let j = 0; j < edges; j += 1) {
    const top = ys[j] * stride;
    const bottom = top + stride;
    const wy = fy[j];
    for (let i = 0; i < edges; i += 1) {
      const x = xs[i];
      const wx = fx[i];
      const upper = table[top + x] + wx * (table[top + x + 1] - table[top + x]);
      const lower = table[bottom + x] + wx * (table[bottom + x + 1] - table[bottom + x]);
      grid[j * edges + i] = upper + wy * (lower - upper);
    }
  }
  const result = new Float32Array(outSize * outSize);
  const inverseArea = 1 / (step * step);
  for (let j = 0; j < outSize; j += 1) {
    const g0 = j * edges;
    const g1 = g0 + edges;
    for (let i = 0; i < outSize; i += 1) {
      result[j * outSize + i] = (grid[g1 + i + 1] - grid[g1 + i] - grid[g0 + i + 1] + grid[g0 + i]) * inverseArea;
    }
  }
  return result;
}

function bilinearResize(image: GreyImage, view: CropView, outSize: number): Float32Array {
  const { data, width } = image;
  const step = view.size / outSize;
  const result = new Float32Array(outSize * outSize);
  const last = view.size - 1;
  for (let j = 0; j < outSize; j += 1) {
    const sy = Math.min(last, Math.max(0, (j + 0.5) * step - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(last, y0 + 1);
    const wy = sy - y0;
    const row0 = (view.y + y0) * width + view.x;
    const row1 = (view.y + y1) * width + view.x;
    for (let i = 0; i < outSize; i += 1) {
      const sx = Math.min(last, Math.max(0, (i + 0.5) * step - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(last, x0 + 1);
      const wx = sx - x0;
      const upper = data[row0 + x0] + wx * (data[row0 + x1] - data[row0 + x0]);
      const lower = data[row1 + x0] + wx * (data[row1 + x1] - data[row1 + x0]);
      result[j * outSize + i] = upper + wy * (lower - upper);
    }
  }
  return result;
}

function flipRows(pixels: Float32Array, size: number): void {
  for (let y = 0; y < size; y += 1) pixels.subarray(y * size, (y + 1) * size).reverse();
}

/** torchvision's GaussianBlur(3, sigma): separable 3-tap kernel, reflect padding. */
export function blur3x3(pixels: Float32Array, size: number, sigma: number): void {
  const side = Math.exp(-1 / (2 * sigma * sigma));
  const centre = 1 / (1 + 2 * side);
  const edge = side * centre;
  const temp = new Float32Array(pixels.length);
  for (let y = 0; y < size; y += 1) {
    const row = y * size;
    for (let x = 0; x < size; x += 1) {
      const left = pixels[row + (x === 0 ? 1 : x - 1)];
      const right = pixels[row + (x === size - 1 ? size - 2 : x + 1)];
      temp[row + x] = centre * pixels[row + x] + edge * (left + right);
    }
  }
  for (let y = 0; y < size; y += 1) {
    const up = (y === 0 ? 1 : y - 1) * size;
    const down = (y === size - 1 ? size - 2 : y + 1) * size;
    const row = y * size;
    for (let x = 0; x < size; x += 1) pixels[row + x] = centre * temp[row + x] + edge * (temp[up + x] + temp[down + x]);
  }
}
