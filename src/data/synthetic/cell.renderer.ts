import type { SeededRandom } from '../../util/seeded-random';
import type { Morphology, Nuisance } from './morphology.model';

/** Parameters are defined on a 256x256 px field; other sizes show more or less of the well at the same magnification. */
export const REFERENCE_FIELD = 256;

export interface RenderRequest {
  size: number;
  morphology: Morphology;
  nuisance: Nuisance;
  rng: SeededRandom;
}

/**
 * Renders one field of view as 8-bit grey pixels (row-major). Pure typed-array
 * math driven only by `rng`, so the same request always gives the same bytes.
 *
 * Cells are irregular ellipses with textured cytoplasm and one or more
 * brighter nuclei, composed with max() so overlaps look like touching cells;
 * then optics (blur), illumination and sensor noise are applied.
 */
export function renderField(request: RenderRequest): Uint8Array {
  const { size, morphology: m, nuisance, rng } = request;
  const signal = new Float32Array(size * size);
  const texture = valueNoise(size, rng);

  const fieldScale = (size * size) / (REFERENCE_FIELD * REFERENCE_FIELD);
  const cellCount = Math.max(0, Math.round(m.cellCount * fieldScale * Math.exp(rng.normal(0, 0.08))));
  const colonies = Array.from({ length: Math.max(1, Math.round(cellCount / 8)) }, () => ({
    x: rng.uniform(0, size),
    y: rng.uniform(0, size),
  }));
  const placed: Array<{ x: number; y: number; r: number }> = [];

  for (let i = 0; i < cellCount; i += 1) {
    const radius = m.cellRadius * Math.exp(rng.normal(0, 0.12));
    const position = placeCell(rng, size, radius, m, colonies, placed);
    placed.push({ ...position, r: radius });
    drawCell(signal, texture, size, position.x, position.y, radius, m, rng);
  }

  if (nuisance.blur > 0.05) gaussianBlur(signal, size, nuisance.blur);
  return expose(signal, size, nuisance, rng);
}

/** Rejection sampling keeps cells from piling up, like contact inhibition; in crowded fields the last try wins. */
export function placeCell(
  rng: SeededRandom,
  size: number,
  radius: number,
  m: Morphology,
  colonies: Array<{ x: number; y: number }>,
  placed: Array<{ x: number; y: number; r: number }>,
): { x: number; y: number } {
  const clustering = Math.min(m.clustering, 0.95);
  let x = 0;
  let y = 0;
  for (let attempt = 0; attempt < 8; attempt += 1) {
    if (rng.chance(clustering)) {
      const colony = rng.pick(colonies);
      x = colony.x + rng.normal(0, 2.2 * m.cellRadius);
      y = colony.y + rng.normal(0, 2.2 * m.cellRadius);
    } else {
      x = rng.uniform(0, size);
      y = rng.uniform(0, size);
    }
    let free = true;
    for (const other of placed) {
      const dx = other.x - x;
      const dy = other.y - y;
      const minimum = 0.9 * (other.r + radius);
      if (dx * dx + dy * dy < minimum * minimum) {
        free = false;
        break;
      }
    }
    if (free) break;
  }
  return { x, y };
}

function drawCell(
  signal: Float32Array,
  texture: Float32Array,
  size: number,
  cx: number,
  cy: number,
  radius: number,
  m: Morphology,
  rng: SeededRandom,
): void {
  const aspect = 1 + m.elongation * Math.exp(rng.normal(0, 0.25));
  // equal-area ellipse: a * b = r^2 whatever the aspect
  const a = radius * Math.sqrt(aspect);
  const b = radius / Math.sqrt(aspect);
  const theta = rng.uniform(0, Math.PI);
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);

  const h2 = m.irregularity * rng.normal(0, 1);
  const h3 = (m.irregularity * rng.normal(0, 1)) / 2;
  const h4 = (m.irregularity * rng.normal(0, 1)) / 3;
  const p2 = rng.uniform(0, 2 * Math.PI);
  const p3 = rng.uniform(0, 2 * Math.PI);
  const p4 = rng.uniform(0, 2 * Math.PI);
  const harmonicScale = Math.min(1, 0.5 / (Math.abs(h2) + Math.abs(h3) + Math.abs(h4) + 1e-9));
  const maxR = 1 + harmonicScale * (Math.abs(h2) + Math.abs(h3) + Math.abs(h4));

  const intensity = m.intensity * Math.exp(rng.normal(0, 0.1));
  const textureAmplitude = Math.min(m.texture, 0.9);

  const nucleusCount = rng.chance(Math.min(m.multinucleation, 0.95)) ? rng.int(2, 5) : 1;
  const nucleusRadius = m.nucleusRatio * radius * (nucleusCount > 1 ? 0.7 : 1) * Math.exp(rng.normal(0, 0.08));
  const nuclei: Array<{ u: number; v: number }> = [];
  const start = rng.uniform(0, 2 * Math.PI);
  for (let k = 0; k < nucleusCount; k += 1) {
    if (nucleusCount === 1) {
      nuclei.push({ u: rng.normal(0, 0.1) * a, v: rng.normal(0, 0.1) * b });
    } else {
      const angle = start + (2 * Math.PI * k) / nucleusCount;
      nuclei.push({ u: 0.42 * a * Math.cos(angle), v: 0.42 * b * Math.sin(angle) });
    }
  }
  const nucleusBoost = 0.7 * intensity;

  const extent = Math.ceil(Math.max(a, b) * maxR + 2);
  const x0 = Math.max(0, Math.floor(cx - extent));
  const x1 = Math.min(size - 1, Math.ceil(cx + extent));
  const y0 = Math.max(0, Math.floor(cy - extent));
  const y1 = Math.min(size - 1, Math.ceil(cy + extent));
  const edgeRadius = Math.min(a, b);
  const innerR = 2 - maxR - 1 / edgeRadius;

  for (let py = y0; py <= y1; py += 1) {
    const dy = py - cy;
    for (let px = x0; px <= x1; px += 1) {
      const dx = px - cx;
      const u = dx * cos + dy * sin;
      const v = -dx * sin + dy * cos;
      const un = u / a;
      const vn = v / b;
      const rho = Math.sqrt(un * un + vn * vn);
      if (rho > maxR + 2 / edgeRadius) continue;
      // deep inside, the boundary's exact shape does not matter: skip the trigonometry
      let boundary = 1;
      if (rho > innerR) {
        const phi = Math.atan2(vn, un);
        boundary = 1 + harmonicScale * (h2 * Math.cos(2 * phi + p2) + h3 * Math.cos(3 * phi + p3) + h4 * Math.cos(4 * phi + p4));
      }
      // about one pixel of anti-aliasing at the membrane
      const edge = clamp01((boundary - rho) * edgeRadius + 0.5);
      if (edge <= 0) continue;
      const index = py * size + px;
      let value = intensity * (1 + textureAmplitude * texture[index]) * (0.85 + 0.15 * Math.max(0, 1 - rho));
      for (const nucleus of nuclei) {
        const du = u - nucleus.u;
        const dv = v - nucleus.v;
        const inside = clamp01((nucleusRadius - Math.sqrt(du * du + dv * dv)) + 0.5);
        if (inside > 0) value += inside * nucleusBoost;
      }
      value *= edge;
      if (value > signal[index]) signal[index] = value;
    }
  }
}

/** Two octaves of smooth value noise in [-1, 1]: the granular look of cytoplasm. */
export function valueNoise(size: number, rng: SeededRandom): Float32Array {
  const field = new Float32Array(size * size);
  for (const [spacing, weight] of [
    [6, 0.65],
    [3, 0.35],
  ] as const) {
    const n = Math.ceil(size / spacing) + 2;
    const lattice = new Float32Array(n * n);
    for (let i = 0; i < lattice.length; i += 1) lattice[i] = rng.uniform(-1, 1);
    for (let y = 0; y < size; y += 1) {
      const gy = y / spacing;
      const iy = Math.floor(gy);
      const ty = smoothstep(gy - iy);
      for (let x = 0; x < size; x += 1) {
        const gx = x / spacing;
        const ix = Math.floor(gx);
        const tx = smoothstep(gx - ix);
        const top = lattice[iy * n + ix] * (1 - tx) + lattice[iy * n + ix + 1] * tx;
        const bottom = lattice[(iy + 1) * n + ix] * (1 - tx) + lattice[(iy + 1) * n + ix + 1] * tx;
        field[y * size + x] += weight * (top * (1 - ty) + bottom * ty);
      }
    }
  }
  return field;
}

export function gaussianBlur(signal: Float32Array, size: number, sigma: number): void {
  const radius = Math.max(1, Math.ceil(2.5 * sigma));
  const kernel = new Float32Array(2 * radius + 1);
  let total = 0;
  for (let k = -radius; k <= radius; k += 1) {
    kernel[k + radius] = Math.exp(-(k * k) / (2 * sigma * sigma));
    total += kernel[k + radius];
  }
  for (let k = 0; k < kernel.length; k += 1) kernel[k] /= total;

  // separable passes over a padded line buffer: no bounds checks in the inner loop
  const line = new Float32Array(size + 2 * radius);
  const taps = kernel.length;
  for (let pass = 0; pass < 2; pass += 1) {
    const step = pass === 0 ? 1 : size;
    const lineStep = pass === 0 ? size : 1;
    for (let l = 0; l < size; l += 1) {
      const base = l * lineStep;
      for (let i = 0; i < size; i += 1) line[radius + i] = signal[base + i * step];
      for (let i = 0; i < radius; i += 1) {
        line[i] = line[radius];
        line[radius + size + i] = line[radius + size - 1];
      }
      for (let i = 0; i < size; i += 1) {
        let sum = 0;
        for (let k = 0; k < taps; k += 1) sum += kernel[k] * line[i + k];
        signal[base + i * step] = sum;
      }
    }
  }
}

/** Camera model: background and signal under a linear illumination ramp, plus Gaussian read noise. */
export function expose(signal: Float32Array, size: number, nuisance: Nuisance, rng: SeededRandom): Uint8Array {
  const pixels = new Uint8Array(size * size);
  const gx = (nuisance.illumination * Math.cos(nuisance.illuminationAngle)) / size;
  const gy = (nuisance.illumination * Math.sin(nuisance.illuminationAngle)) / size;
  const half = size / 2;
  let state = rng.nextUint32() | 0;
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const index = y * size + x;
      const light = 1 + gx * (x - half) + gy * (y - half);
      // Irwin-Hall(4) scaled to unit variance: cheaper than Box-Muller per pixel
      // mulberry32 inline: rng.next() per draw made noise the renderer's hot spot
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      t = (t ^ (t >>> 14)) >>> 0;
      // Irwin-Hall(4) of four bytes, scaled to unit variance: cheaper than Box-Muller
      const noise = (((t & 255) + ((t >>> 8) & 255) + ((t >>> 16) & 255) + (t >>> 24)) / 255 - 2) * 1.7320508;
      const value = (nuisance.background + nuisance.gain * signal[index]) * light + nuisance.noise * noise;
      pixels[index] = value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
    }
  }
  return pixels;
}

export function clamp01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}

function smoothstep(t: number): number {
  return t * t * (3 - 2 * t);
}
