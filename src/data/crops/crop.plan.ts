import { SeededRandom } from '../../util/seeded-random';
import type { Strategy } from '../../training/setups';

/**
 * Where the views of one image come from, decided before any pixel is read.
 *
 * Choices (the reference study's wording leaves them open):
 * - scale is a fraction of the image's SHORT SIDE; a view is a square of
 *   side scale * min(width, height) at a uniformly random position, resized
 *   to 64x64. Side rather than area, because "0.25-0.5" as an area would make
 *   the "small" views half the width of the image, hardly local.
 * - one-crop is the single global view of multi-crop: scale 1, i.e. the whole
 *   field of view of a square image. One-crop vs multi-crop then differs only
 *   by the four local views, which is the comparison the study makes.
 * - multi-crop: view 0 at scale 1, views 1-2 at scale U(0.5, 0.75), views 3-4
 *   at scale U(0.25, 0.5).
 * - augmentation, per view and independently: horizontal flip p = 0.5, and
 *   Gaussian blur with a 3x3 kernel, sigma U(0.1, 2.0), p = 0.2.
 * - geometry and augmentation come from separate streams derived from
 *   (seed, epoch, image id), so "+aug" strategies see the same crop boxes as
 *   their plain twins, and every run is reproducible.
 */
export interface CropView {
  /** top-left corner and side of the square source region, in source pixels */
  x: number;
  y: number;
  size: number;
  scale: number;
  flip: boolean;
  /** Gaussian blur sigma, or 0 for none */
  blurSigma: number;
}

export const CROP_SIZE = 64;

const MULTI_CROP_SCALES: ReadonlyArray<readonly [number, number]> = [
  [1, 1],
  [0.5, 0.75],
  [0.5, 0.75],
  [0.25, 0.5],
  [0.25, 0.5],
];
const ONE_CROP_SCALES: ReadonlyArray<readonly [number, number]> = [[1, 1]];

export const FLIP_PROBABILITY = 0.5;
export const BLUR_PROBABILITY = 0.2;
export const BLUR_SIGMA_RANGE: readonly [number, number] = [0.1, 2.0];

export function cropsPerImage(strategy: Strategy): number {
  return strategy.crop === 'multi-crop' ? MULTI_CROP_SCALES.length : ONE_CROP_SCALES.length;
}

export function planCrops(strategy: Strategy, width: number, height: number, seed: number, epoch: number, imageId: string | number): CropView[] {
  const geometry = SeededRandom.derive('morphospace/crop-geometry', seed, epoch, imageId);
  const augment = SeededRandom.derive('morphospace/crop-augment', seed, epoch, imageId);
  const shortSide = Math.min(width, height);
  const scales = strategy.crop === 'multi-crop' ? MULTI_CROP_SCALES : ONE_CROP_SCALES;
  return scales.map(([low, high]) => {
    const scale = low === high ? low : geometry.uniform(low, high);
    const size = Math.max(1, Math.min(shortSide, Math.round(scale * shortSide)));
    const x = geometry.int(0, width - size + 1);
    const y = geometry.int(0, height - size + 1);
    // always draw, so a view's augmentation does not depend on the others'
    const flipDraw = augment.next();
    const blurDraw = augment.next();
    const sigma = augment.uniform(BLUR_SIGMA_RANGE[0], BLUR_SIGMA_RANGE[1]);
    return {
      x,
      y,
      size,
      scale,
      flip: strategy.augment && flipDraw < FLIP_PROBABILITY,
      blurSigma: strategy.augment && blurDraw < BLUR_PROBABILITY ? sigma : 0,
    };
  });
}
