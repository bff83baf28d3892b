import type { ClassicalFeatureSpec, FeatureValues } from './feature.spec';

export const GRADIENT_FEATURES = [
  { name: 'Texture_SobelGradientMean', group: 'Texture', description: 'mean Sobel gradient magnitude over interior pixels (grey levels 0-1)' },
  { name: 'Texture_SobelGradientEnergy', group: 'Texture', description: 'mean squared Sobel gradient magnitude: edges and fine texture' },
  { name: 'Texture_LaplacianVariance', group: 'Texture', description: 'variance of the 4-neighbour Laplacian: sharpness and granular texture' },
] as const satisfies ReadonlyArray<ClassicalFeatureSpec>;

/** Edge and sharpness statistics from one pass of 3x3 filters over the interior (border pixels have no full neighbourhood). */
export function measureGradientTexture(data: Uint8Array, width: number, height: number): FeatureValues<typeof GRADIENT_FEATURES> {
  let magnitudeSum = 0;
  let energySum = 0;
  let laplacianSum = 0;
  let laplacianSquares = 0;
  let count = 0;
  for (let y = 1; y < height - 1; y += 1) {
    for (let x = 1; x < width - 1; x += 1) {
      const i = y * width + x;
      const nw = data[i - width - 1];
      const n = data[i - width];
      const ne = data[i - width + 1];
      const w = data[i - 1];
      const e = data[i + 1];
      const sw = data[i + width - 1];
      const s = data[i + width];
      const se = data[i + width + 1];
      const gx = ne + 2 * e + se - nw - 2 * w - sw;
      const gy = sw + 2 * s + se - nw - 2 * n - ne;
      const energy = gx * gx + gy * gy;
      energySum += energy;
      magnitudeSum += Math.sqrt(energy);
      const laplacian = n + s + w + e - 4 * data[i];
      laplacianSum += laplacian;
      laplacianSquares += laplacian * laplacian;
      count += 1;
    }
  }
  if (count === 0) return { Texture_SobelGradientMean: 0, Texture_SobelGradientEnergy: 0, Texture_LaplacianVariance: 0 };
  const scale = 255;
  const laplacianMean = laplacianSum / count;
  return {
    Texture_SobelGradientMean: magnitudeSum / count / scale,
    Texture_SobelGradientEnergy: energySum / count / (scale * scale),
    Texture_LaplacianVariance: Math.max(0, laplacianSquares / count - laplacianMean * laplacianMean) / (scale * scale),
  };
}
