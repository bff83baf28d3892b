import type { GreyImage } from '../../data/crops/sharp-image.adapter';
import type { ClassicalFeatureSpec } from './feature.spec';
import { GLCM_FEATURES, measureGlcmTexture, quantiseForGlcm } from './glcm.texture';
import { GRADIENT_FEATURES, measureGradientTexture } from './gradient.texture';
import { INTENSITY_FEATURES, measureIntensity } from './intensity.features';
import { OBJECT_FEATURES, measureObjectFeatures, segmentObjects, type Segmentation } from './object.features';
import { greyHistogram, otsuThreshold } from './otsu.threshold';

export type { ClassicalFeatureGroup, ClassicalFeatureSpec } from './feature.spec';
export { GroupStandardizer, standardizeByGroup } from './group.standardizer';

/**
 * The classical baseline's columns, in the order of extractClassicalFeatures'
 * output: what a profiling scientist measures with CellProfiler without deep
 * learning (intensity, texture, objects and their shape), per image.
 */
export const CLASSICAL_FEATURES: ReadonlyArray<ClassicalFeatureSpec> = [
  ...INTENSITY_FEATURES,
  ...GRADIENT_FEATURES,
  ...GLCM_FEATURES,
  ...OBJECT_FEATURES,
];

/**
 * The classical features of one grey image, pure and deterministic. Every value
 * is finite: an image without foreground (e.g. constant) has no objects, and
 * the object measurements then take the values their descriptions give (0,
 * or the image diagonal for the nearest-neighbour distance). Objects and nuclei
 * are the image's own unless a segmentation (of another channel) is given.
 */
export function extractClassicalFeatures(image: GreyImage, segmentation?: Segmentation): Float32Array {
  const { data, width, height } = image;
  if (data.length !== width * height) throw new Error(`image of ${width}x${height} has ${data.length} pixels`);
  const histogram = greyHistogram(data);
  const objectThreshold = otsuThreshold(histogram);
  const values: Record<string, number> = {
    ...measureIntensity(histogram, objectThreshold),
    ...measureGradientTexture(data, width, height),
    ...measureGlcmTexture(quantiseForGlcm(data), width, height),
    ...measureObjectFeatures(data, width, height, segmentation ?? segmentByOtsu(image)),
  };
  const features = new Float32Array(CLASSICAL_FEATURES.length);
  CLASSICAL_FEATURES.forEach((spec, i) => {
    features[i] = values[spec.name];
  });
  return features;
}

/** Objects: the Otsu foreground; nuclei: the bright class within it, a second Otsu split above the first. */
export function segmentByOtsu(image: GreyImage): Segmentation {
  const histogram = greyHistogram(image.data);
  const objectThreshold = otsuThreshold(histogram);
  return segmentObjects(image.data, image.width, image.height, objectThreshold, otsuThreshold(histogram, objectThreshold + 1));
}
