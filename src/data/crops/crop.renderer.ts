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
  const result = scratchFor(outSize).pixels;
  if (view.size === outSize && Number.isInteger(view.x) && Number.isInteger(view.y)) copyView(image, view, outSize, result);
  else if (view.size > outSize && Number.isInteger(view.size / outSize) && Number.isInteger(view.x) && Number.isInteger(view.y)) blockAverage(image, view, outSize, result);
  else if (view.size >= outSize) areaResize(image, view, outSize, result);
  else bilinearResize(image, view, outSize, result);
  if (view.flip) flipRows(result, outSize);
  if (view.blurSigma > 0) blur3x3(result, outSize, view.blurSigma, scratchFor(outSize).blurred);
  const inverse = 1 / 255;
  for (let i = 0; i < result.length; i += 1) {
    const value = result[i] * inverse;
    out[offset + i] = value < 0 ? 0 : value > 1 ? 1 : value;
  }
}

/**
 * Summed-area tables of the last few images, in buffers reused from image to image: a fresh
 * 0.5 MB table per 256 px image was most of the garbage collection (16% of a one-crop run).
 * The views of an image are rendered one after another, each across all its channels, so
 * TABLE_SLOTS tables serve screens of up to that many channels. A table is a pure function
 * of the pixels, so a reused buffer holds exactly the values a fresh one would.
 */
const TABLE_SLOTS = 8;
/** Bigger tables (images above ~1,000 x 1,000) are not pooled, so the pool holds at most 64 MB. */
const MAX_POOLED_ENTRIES = 1 << 20;
const pool: Array<{ image: GreyImage | undefined; table: Float64Array }> = [];
const unpooled = new WeakMap<GreyImage, Float64Array>();
let nextSlot = 0;

/** F[y * (w + 1) + x] = sum of pixels above and left of (x, y). */
function integralImage(image: GreyImage): Float64Array {
  const entries = (image.width + 1) * (image.height + 1);
  if (entries > MAX_POOLED_ENTRIES) {
    const cached = unpooled.get(image);
    if (cached) return cached;
    const table = fillIntegral(image, new Float64Array(entries));
    unpooled.set(image, table);
    return table;
  }
  for (const slot of pool) if (slot.image === image) return slot.table;
  if (pool.length < TABLE_SLOTS) pool.push({ image: undefined, table: new Float64Array(0) });
  const slot = pool[nextSlot];
  nextSlot = (nextSlot + 1) % TABLE_SLOTS;
  if (slot.table.length < entries) slot.table = new Float64Array(entries);
  slot.image = image;
  return fillIntegral(image, slot.table);
}

function fillIntegral(image: GreyImage, table: Float64Array): Float64Array {
  const { data, width, height } = image;
  const stride = width + 1;
  table.fill(0, 0, stride);
  for (let y = 0; y < height; y += 1) {
    let rowSum = 0;
    const row = y * width;
    const above = y * stride;
    const here = (y + 1) * stride;
    table[here] = 0;
    for (let x = 0; x < width; x += 1) {
      rowSum += data[row + x];
      table[here + x + 1] = table[above + x + 1] + rowSum;
    }
  }
  return table;
}

/**
 * A view already the output's size, on whole pixels (every 64-px tile of the paper's embedding):
 * its pixels as they are, the values area averaging gives, without building the summed-area
 * table (most of a tiled embedding's rendering time).
 */
function copyView(image: GreyImage, view: CropView, outSize: number, result: Float32Array): void {
  for (let y = 0; y < outSize; y += 1) {
    const row = (view.y + y) * image.width + view.x;
    for (let x = 0; x < outSize; x += 1) result[y * outSize + x] = image.data[row + x];
  }
}

/**
 * A view a whole multiple of the output's size, on whole pixels (one-crop's 256 -> 64): each
 * output pixel averages a step x step block. The summed-area table reads these same block sums
 * off exact corners (whole numbers, exact in float64) and scales them by the same 1 / area, so
 * summing the blocks directly gives identical values without building the 0.5 MB table.
 */
function blockAverage(image: GreyImage, view: CropView, outSize: number, result: Float32Array): void {
  const { data, width } = image;
  const step = view.size / outSize;
  const inverseArea = 1 / (step * step);
  const sums = scratchFor(outSize).blockSums;
  for (let j = 0; j < outSize; j += 1) {
    sums.fill(0);
    for (let dy = 0; dy < step; dy += 1) {
      let pixel = (view.y + j * step + dy) * width + view.x;
      for (let i = 0; i < outSize; i += 1) {
        let sum = 0;
        for (let dx = 0; dx < step; dx += 1) sum += data[pixel + dx];
        sums[i] += sum;
        pixel += step;
      }
    }
    for (let i = 0; i < outSize; i += 1) result[j * outSize + i] = sums[i] * inverseArea;
  }
}

function areaResize(image: GreyImage, view: CropView, outSize: number, result: Float32Array): void {
  const table = integralImage(image);
  const stride = image.width + 1;
  const step = view.size / outSize;
  // the integral of a piecewise-constant image is bilinear between table
  // corners, so sampling it at fractional box edges gives exact area averages
  const edges = outSize + 1;
  const { xs, fx, ys, fy, grid } = scratchFor(outSize);
  for (let i = 0; i < edges; i += 1) {
    const x = Math.min(view.x + i * step, view.x + view.size);
    const y = Math.min(view.y + i * step, view.y + view.size);
    xs[i] = Math.min(Math.floor(x), image.width - 1);
    fx[i] = x - xs[i];
    ys[i] = Math.min(Math.floor(y), image.height - 1);
    fy[i] = y - ys[i];
  }
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
  const inverseArea = 1 / (step * step);
  for (let j = 0; j < outSize; j += 1) {
    const g0 = j * edges;
    const g1 = g0 + edges;
    for (let i = 0; i < outSize; i += 1) {
      result[j * outSize + i] = (grid[g1 + i + 1] - grid[g1 + i] - grid[g0 + i + 1] + grid[g0 + i]) * inverseArea;
    }
  }
}

function bilinearResize(image: GreyImage, view: CropView, outSize: number, result: Float32Array): void {
  const { data, width } = image;
  const step = view.size / outSize;
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
}

/**
 * Working buffers for one output size, reused by every crop: rendering is synchronous and the
 * result is copied into the batch before it returns, so no two crops share them at once, and
 * each buffer is fully overwritten before it is read. Per-crop arrays were the rest of the garbage.
 */
interface Scratch {
  size: number;
  pixels: Float32Array;
  blurred: Float32Array;
  xs: Int32Array;
  fx: Float64Array;
  ys: Int32Array;
  fy: Float64Array;
  grid: Float64Array;
  blockSums: Float64Array;
}
let scratch: Scratch | undefined;

function scratchFor(size: number): Scratch {
  if (scratch?.size === size) return scratch;
  const edges = size + 1;
  scratch = {
    size,
    pixels: new Float32Array(size * size),
    blurred: new Float32Array(size * size),
    xs: new Int32Array(edges),
    fx: new Float64Array(edges),
    ys: new Int32Array(edges),
    fy: new Float64Array(edges),
    grid: new Float64Array(edges * edges),
    blockSums: new Float64Array(size),
  };
  return scratch;
}

function flipRows(pixels: Float32Array, size: number): void {
  for (let y = 0; y < size; y += 1) pixels.subarray(y * size, (y + 1) * size).reverse();
}

/** torchvision's GaussianBlur(3, sigma): separable 3-tap kernel, reflect padding. */
function blur3x3(pixels: Float32Array, size: number, sigma: number, temp: Float32Array): void {
  const side = Math.exp(-1 / (2 * sigma * sigma));
  const centre = 1 / (1 + 2 * side);
  const edge = side * centre;
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
