import type { ComponentLabels } from './connected-components';

/** Per-object measurements, index k for label k + 1. */
export interface ObjectMeasurements {
  count: number;
  area: Float64Array;
  perimeter: Float64Array;
  centroidX: Float64Array;
  centroidY: Float64Array;
  /** skimage's convention: 4 sqrt of the second-moment eigenvalues (2a and 2b for an ellipse of semi-axes a, b) */
  majorAxis: Float64Array;
  minorAxis: Float64Array;
  eccentricity: Float64Array;
  /** 4 pi area / perimeter^2: 1 for a disk, smaller for elongated or ragged outlines */
  formFactor: Float64Array;
  /** mean grey level of the object's pixels (0-1) */
  meanIntensity: Float64Array;
}

/**
 * Area, outline and second moments of every labelled object in one pass.
 *
 * The perimeter is the number of pixel sides between the object and anything
 * else (another label, background, the image edge) times pi/4: a digital
 * outline's side count overestimates a smooth curve's length by 4/pi on
 * average over orientations (Crofton), so a disk of radius r gets about 2 pi r.
 */
export function measureObjects(components: ComponentLabels, data: Uint8Array, width: number, height: number): ObjectMeasurements {
  const { labels, count } = components;
  const area = new Float64Array(count);
  const sides = new Float64Array(count);
  const sumX = new Float64Array(count);
  const sumY = new Float64Array(count);
  const sumXX = new Float64Array(count);
  const sumYY = new Float64Array(count);
  const sumXY = new Float64Array(count);
  const sumIntensity = new Float64Array(count);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const i = y * width + x;
      const label = labels[i];
      if (label === 0) continue;
      const k = label - 1;
      area[k] += 1;
      sumX[k] += x;
      sumY[k] += y;
      sumXX[k] += x * x;
      sumYY[k] += y * y;
      sumXY[k] += x * y;
      sumIntensity[k] += data[i];
      let open = 0;
      if (x === 0 || labels[i - 1] !== label) open += 1;
      if (x === width - 1 || labels[i + 1] !== label) open += 1;
      if (y === 0 || labels[i - width] !== label) open += 1;
      if (y === height - 1 || labels[i + width] !== label) open += 1;
      sides[k] += open;
    }
  }

  const result: ObjectMeasurements = {
    count,
    area,
    perimeter: new Float64Array(count),
    centroidX: new Float64Array(count),
    centroidY: new Float64Array(count),
    majorAxis: new Float64Array(count),
    minorAxis: new Float64Array(count),
    eccentricity: new Float64Array(count),
    formFactor: new Float64Array(count),
    meanIntensity: new Float64Array(count),
  };
  for (let k = 0; k < count; k += 1) {
    const n = area[k];
    const cx = sumX[k] / n;
    const cy = sumY[k] / n;
    // moments of the pixel centres, as skimage's regionprops (CellProfiler's MeasureObjectSizeShape)
    const xx = sumXX[k] / n - cx * cx;
    const yy = sumYY[k] / n - cy * cy;
    const xy = sumXY[k] / n - cx * cy;
    const half = (xx + yy) / 2;
    const root = Math.sqrt(((xx - yy) / 2) ** 2 + xy * xy);
    const major = half + root;
    const minor = Math.max(0, half - root);
    const perimeter = (sides[k] * Math.PI) / 4;
    result.perimeter[k] = perimeter;
    result.centroidX[k] = cx;
    result.centroidY[k] = cy;
    result.majorAxis[k] = 4 * Math.sqrt(major);
    result.minorAxis[k] = 4 * Math.sqrt(minor);
    result.eccentricity[k] = major > 0 ? Math.sqrt(Math.max(0, 1 - minor / major)) : 0;
    result.formFactor[k] = (4 * Math.PI * n) / (perimeter * perimeter);
    result.meanIntensity[k] = sumIntensity[k] / n / 255;
  }
  return result;
}
