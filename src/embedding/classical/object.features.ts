import { labelComponents, type ComponentLabels } from './connected-components';
import type { ClassicalFeatureSpec, FeatureValues } from './feature.spec';
import { measureObjects, type ObjectMeasurements } from './object.moments';

/** Foreground components smaller than this (px) are specks of noise or a clipped cell edge, not cells. */
export const MIN_OBJECT_AREA = 20;
/** Bright components smaller than this (px) are texture peaks, not nuclei. */
export const MIN_NUCLEUS_AREA = 8;

const NO_OBJECTS = 'with no object, 0';

export const OBJECT_FEATURES = [
  { name: 'Count_Objects', group: 'Count', description: `8-connected foreground components of at least ${MIN_OBJECT_AREA} px (touching cells are one object)` },
  { name: 'AreaShape_MeanArea', group: 'AreaShape', description: `mean object area, px (${NO_OBJECTS})` },
  { name: 'AreaShape_SdArea', group: 'AreaShape', description: `population standard deviation of the object areas (${NO_OBJECTS})` },
  { name: 'AreaShape_MedianArea', group: 'AreaShape', description: `median object area (${NO_OBJECTS})` },
  { name: 'AreaShape_MeanPerimeter', group: 'AreaShape', description: `mean perimeter: outline pixel sides x pi/4 (${NO_OBJECTS})` },
  { name: 'AreaShape_MeanFormFactor', group: 'AreaShape', description: `mean 4 pi area / perimeter^2, 1 for a disk (${NO_OBJECTS})` },
  { name: 'AreaShape_SdFormFactor', group: 'AreaShape', description: `standard deviation of the form factors (${NO_OBJECTS})` },
  { name: 'AreaShape_MeanEccentricity', group: 'AreaShape', description: `mean eccentricity of the second-moment ellipse, 0 for a disk (${NO_OBJECTS})` },
  { name: 'AreaShape_SdEccentricity', group: 'AreaShape', description: `standard deviation of the eccentricities (${NO_OBJECTS})` },
  { name: 'AreaShape_MeanMajorAxisLength', group: 'AreaShape', description: `mean major axis of the second-moment ellipse, px (${NO_OBJECTS})` },
  { name: 'AreaShape_MeanMinorAxisLength', group: 'AreaShape', description: `mean minor axis of the second-moment ellipse, px (${NO_OBJECTS})` },
  { name: 'Intensity_MeanObjectIntensity', group: 'Intensity', description: `mean over objects of their mean grey level, 0-1 (${NO_OBJECTS})` },
  {
    name: 'Neighbors_MeanNearestNeighbourDistance',
    group: 'Neighbors',
    description: 'mean distance from each object centroid to the nearest other one, px (the image diagonal with fewer than 2 objects)',
  },
  { name: 'Count_Nuclei', group: 'Count', description: `bright components (Otsu within the foreground) of at least ${MIN_NUCLEUS_AREA} px` },
  { name: 'Count_NucleiPerObject', group: 'Count', description: `nuclei per object: multinucleation (${NO_OBJECTS})` },
  { name: 'AreaShape_MeanNucleusArea', group: 'AreaShape', description: 'mean nucleus area, px (0 with no nucleus)' },
  { name: 'AreaShape_MeanNucleusFormFactor', group: 'AreaShape', description: 'mean nucleus form factor (0 with no nucleus)' },
  { name: 'AreaShape_NucleusAreaShare', group: 'AreaShape', description: `total nucleus area / total object area (${NO_OBJECTS})` },
  { name: 'Intensity_MeanNucleusIntensity', group: 'Intensity', description: 'mean over nuclei of their mean grey level, 0-1 (0 with no nucleus)' },
] as const satisfies ReadonlyArray<ClassicalFeatureSpec>;

/** Where the objects and nuclei are: labelled components of one channel, measured on any channel's pixels. */
export interface Segmentation {
  objects: ComponentLabels;
  nuclei: ComponentLabels;
}

/** Objects are the pixels above `objectThreshold`, nuclei those above `nucleusThreshold`; both exclusive. */
export function segmentObjects(data: Uint8Array, width: number, height: number, objectThreshold: number, nucleusThreshold: number): Segmentation {
  return { objects: labelComponents(data, width, height, objectThreshold), nuclei: labelComponents(data, width, height, nucleusThreshold) };
}

/** Shapes from the segmentation; intensities from `data`, which may be another channel than the one segmented. */
export function measureObjectFeatures(data: Uint8Array, width: number, height: number, segmentation: Segmentation): FeatureValues<typeof OBJECT_FEATURES> {
  const objects = keep(measureObjects(segmentation.objects, data, width, height), MIN_OBJECT_AREA);
  const nuclei = keep(measureObjects(segmentation.nuclei, data, width, height), MIN_NUCLEUS_AREA);
  const o = objects.measured;
  const objectArea = sum(objects.indices.map((k) => o.area[k]));
  const nucleusArea = sum(nuclei.indices.map((k) => nuclei.measured.area[k]));
  return {
    Count_Objects: objects.indices.length,
    AreaShape_MeanArea: meanOf(objects, o.area),
    AreaShape_SdArea: sdOf(objects, o.area),
    AreaShape_MedianArea: medianOf(objects, o.area),
    AreaShape_MeanPerimeter: meanOf(objects, o.perimeter),
    AreaShape_MeanFormFactor: meanOf(objects, o.formFactor),
    AreaShape_SdFormFactor: sdOf(objects, o.formFactor),
    AreaShape_MeanEccentricity: meanOf(objects, o.eccentricity),
    AreaShape_SdEccentricity: sdOf(objects, o.eccentricity),
    AreaShape_MeanMajorAxisLength: meanOf(objects, o.majorAxis),
    AreaShape_MeanMinorAxisLength: meanOf(objects, o.minorAxis),
    Intensity_MeanObjectIntensity: meanOf(objects, o.meanIntensity),
    Neighbors_MeanNearestNeighbourDistance: meanNearestNeighbourDistance(objects, Math.hypot(width, height)),
    Count_Nuclei: nuclei.indices.length,
    Count_NucleiPerObject: objects.indices.length > 0 ? nuclei.indices.length / objects.indices.length : 0,
    AreaShape_MeanNucleusArea: meanOf(nuclei, nuclei.measured.area),
    AreaShape_MeanNucleusFormFactor: meanOf(nuclei, nuclei.measured.formFactor),
    AreaShape_NucleusAreaShare: objectArea > 0 ? nucleusArea / objectArea : 0,
    Intensity_MeanNucleusIntensity: meanOf(nuclei, nuclei.measured.meanIntensity),
  };
}

/** The objects kept after dropping specks: indices into their measurements. */
interface Kept {
  indices: number[];
  measured: ObjectMeasurements;
}

function keep(measured: ObjectMeasurements, minArea: number): Kept {
  const indices: number[] = [];
  for (let k = 0; k < measured.count; k += 1) if (measured.area[k] >= minArea) indices.push(k);
  return { indices, measured };
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function meanOf({ indices }: Kept, values: Float64Array): number {
  return indices.length > 0 ? sum(indices.map((k) => values[k])) / indices.length : 0;
}

function sdOf(kept: Kept, values: Float64Array): number {
  const { indices } = kept;
  if (indices.length === 0) return 0;
  const mean = meanOf(kept, values);
  return Math.sqrt(sum(indices.map((k) => (values[k] - mean) ** 2)) / indices.length);
}

function medianOf({ indices }: Kept, values: Float64Array): number {
  if (indices.length === 0) return 0;
  const sorted = indices.map((k) => values[k]).sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function meanNearestNeighbourDistance({ indices, measured }: Kept, diagonal: number): number {
  if (indices.length < 2) return diagonal;
  const { centroidX, centroidY } = measured;
  let total = 0;
  for (const a of indices) {
    let nearest = Number.POSITIVE_INFINITY;
    for (const b of indices) {
      if (a !== b) nearest = Math.min(nearest, Math.hypot(centroidX[a] - centroidX[b], centroidY[a] - centroidY[b]));
    }
    total += nearest;
  }
  return total / indices.length;
}
