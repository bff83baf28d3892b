import type { SeededRandom } from '../../util/seeded-random';
import { clamp01, expose, gaussianBlur, placeCell, REFERENCE_FIELD, valueNoise } from './cell.renderer';
import type { ChannelMorphology, SyntheticChannel } from './channel.catalog';
import type { Morphology, Nuisance } from './morphology.model';

export interface ChannelRenderRequest {
  size: number;
  morphology: Morphology;
  channelMorphology: ChannelMorphology;
  channels: readonly SyntheticChannel[];
  nuisance: Nuisance;
  rng: SeededRandom;
}

/** Stain brightness of each channel at the reference cytoplasm intensity (120). */
const CHANNEL_BRIGHTNESS: Record<SyntheticChannel, number> = { dna: 150, tubulin: 95, actin: 105 };

/** A cell's shape and content, drawn once and stained in every channel. */
interface Cell {
  cx: number;
  cy: number;
  a: number;
  b: number;
  cos: number;
  sin: number;
  harmonics: [number, number, number, number, number, number, number];
  intensity: number;
  nuclei: Array<{ u: number; v: number }>;
  nucleusRadius: number;
  micronuclei: Array<{ u: number; v: number; r: number }>;
  /** microtubule angles around the centrosome (nucleus 0) */
  filaments: number[];
  fibrePhase: number;
  puncta: Array<{ u: number; v: number }>;
}

/**
 * Renders one field of view as one 8-bit image per channel, the cells at the same places in
 * all: the DNA channel shows nuclei (chromatin texture, micronuclei), tubulin shows microtubules
 * radiating from the centrosome over a diffuse pool, actin shows the cortex under the membrane,
 * stress fibres along the cell's long axis and aggregates. Each channel then gets its own optics
 * and sensor noise from the plate's nuisance. Driven only by `rng`: the same request gives the
 * same bytes.
 */
export function renderChannelField(request: ChannelRenderRequest): Uint8Array[] {
  const { size, morphology: m, channelMorphology: cm, nuisance, rng } = request;
  const texture = valueNoise(size, rng);
  const fieldScale = (size * size) / (REFERENCE_FIELD * REFERENCE_FIELD);
  const cellCount = Math.max(0, Math.round(m.cellCount * fieldScale * Math.exp(rng.normal(0, 0.08))));
  const colonies = Array.from({ length: Math.max(1, Math.round(cellCount / 8)) }, () => ({ x: rng.uniform(0, size), y: rng.uniform(0, size) }));
  const placed: Array<{ x: number; y: number; r: number }> = [];
  const cells: Cell[] = [];
  for (let i = 0; i < cellCount; i += 1) {
    const radius = m.cellRadius * Math.exp(rng.normal(0, 0.12));
    const position = placeCell(rng, size, radius, m, colonies, placed);
    placed.push({ ...position, r: radius });
    cells.push(sampleCell(position.x, position.y, radius, m, cm, rng));
  }
  return request.channels.map((channel) => {
    const signal = new Float32Array(size * size);
    for (const cell of cells) drawCell(signal, texture, size, cell, channel, cm);
    if (nuisance.blur > 0.05) gaussianBlur(signal, size, nuisance.blur);
    return expose(signal, size, nuisance, rng);
  });
}

function sampleCell(cx: number, cy: number, radius: number, m: Morphology, cm: ChannelMorphology, rng: SeededRandom): Cell {
  const aspect = 1 + m.elongation * Math.exp(rng.normal(0, 0.25));
  const a = radius * Math.sqrt(aspect);
  const b = radius / Math.sqrt(aspect);
  const theta = rng.uniform(0, Math.PI);
  const h2 = m.irregularity * rng.normal(0, 1);
  const h3 = (m.irregularity * rng.normal(0, 1)) / 2;
  const h4 = (m.irregularity * rng.normal(0, 1)) / 3;
  const harmonicScale = Math.min(1, 0.5 / (Math.abs(h2) + Math.abs(h3) + Math.abs(h4) + 1e-9));
  const harmonics: Cell['harmonics'] = [h2, h3, h4, rng.uniform(0, 2 * Math.PI), rng.uniform(0, 2 * Math.PI), rng.uniform(0, 2 * Math.PI), harmonicScale];
  const nucleusCount = rng.chance(Math.min(m.multinucleation, 0.95)) ? rng.int(2, 5) : 1;
  const nucleusRadius = m.nucleusRatio * radius * (nucleusCount > 1 ? 0.7 : 1) * Math.exp(rng.normal(0, 0.08));
  const start = rng.uniform(0, 2 * Math.PI);
  const nuclei = Array.from({ length: nucleusCount }, (_, k) => {
    if (nucleusCount === 1) return { u: rng.normal(0, 0.1) * a, v: rng.normal(0, 0.1) * b };
    const angle = start + (2 * Math.PI * k) / nucleusCount;
    return { u: 0.42 * a * Math.cos(angle), v: 0.42 * b * Math.sin(angle) };
  });
  const micronuclei = Array.from({ length: poisson(cm.micronuclei, rng) }, () => {
    const angle = rng.uniform(0, 2 * Math.PI);
    const reach = rng.uniform(0.55, 0.8);
    return { u: reach * a * Math.cos(angle), v: reach * b * Math.sin(angle), r: Math.max(1, 0.28 * nucleusRadius) };
  });
  const filamentCount = Math.max(1, Math.round(cm.filaments * Math.exp(rng.normal(0, 0.15))));
  const filamentStart = rng.uniform(0, 2 * Math.PI);
  const filaments = Array.from({ length: filamentCount }, (_, k) => filamentStart + ((k + rng.uniform(-0.3, 0.3)) * 2 * Math.PI) / filamentCount);
  const puncta = Array.from({ length: poisson(cm.actinPuncta, rng) }, () => {
    const angle = rng.uniform(0, 2 * Math.PI);
    const reach = Math.sqrt(rng.next()) * 0.8;
    return { u: reach * a * Math.cos(angle), v: reach * b * Math.sin(angle) };
  });
  return {
    cx,
    cy,
    a,
    b,
    cos: Math.cos(theta),
    sin: Math.sin(theta),
    harmonics,
    intensity: (m.intensity / 120) * Math.exp(rng.normal(0, 0.1)),
    nuclei,
    nucleusRadius,
    micronuclei,
    filaments,
    fibrePhase: rng.uniform(0, 2 * Math.PI),
    puncta,
  };
}

function drawCell(signal: Float32Array, texture: Float32Array, size: number, cell: Cell, channel: SyntheticChannel, cm: ChannelMorphology): void {
  const { cx, cy, a, b, cos, sin } = cell;
  const [h2, h3, h4, p2, p3, p4, harmonicScale] = cell.harmonics;
  const maxR = 1 + harmonicScale * (Math.abs(h2) + Math.abs(h3) + Math.abs(h4));
  const extent = Math.ceil(Math.max(a, b) * maxR + 2);
  const x0 = Math.max(0, Math.floor(cx - extent));
  const x1 = Math.min(size - 1, Math.ceil(cx + extent));
  const y0 = Math.max(0, Math.floor(cy - extent));
  const y1 = Math.min(size - 1, Math.ceil(cy + extent));
  const edgeRadius = Math.min(a, b);
  const brightness = CHANNEL_BRIGHTNESS[channel] * cell.intensity;
  const order = Math.min(cm.filamentOrder, 0.95);
  const width2 = 2 * cm.filamentWidth * cm.filamentWidth;
  // a bundle carries the tubulin of the filaments it gathers: fewer, wider filaments stay as bright in total
  const filamentGain = Math.sqrt(BASE_FILAMENTS / cell.filaments.length) * (cm.filamentWidth / BASE_FILAMENT_WIDTH);
  const centre = cell.nuclei[0];
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
      const phi = Math.atan2(vn, un);
      const boundary = 1 + harmonicScale * (h2 * Math.cos(2 * phi + p2) + h3 * Math.cos(3 * phi + p3) + h4 * Math.cos(4 * phi + p4));
      const depth = (boundary - rho) * edgeRadius;
      const edge = clamp01(depth + 0.5);
      if (edge <= 0) continue;
      const index = py * size + px;
      let value: number;
      if (channel === 'dna') {
        value = 0;
        for (const nucleus of cell.nuclei) value += clamp01(cell.nucleusRadius - Math.hypot(u - nucleus.u, v - nucleus.v) + 0.5);
        value = Math.min(1, value) * cm.nucleusBrightness * (1 + Math.min(cm.chromatinTexture, 0.9) * texture[index]);
        for (const micro of cell.micronuclei) value += 1.1 * clamp01(micro.r - Math.hypot(u - micro.u, v - micro.v) + 0.5);
      } else if (channel === 'tubulin') {
        const du = u - centre.u;
        const dv = v - centre.v;
        const r = Math.hypot(du, dv);
        const angle = Math.atan2(dv, du);
        let filament = 0;
        for (const direction of cell.filaments) {
          const offset = r * Math.sin(angle - direction);
          if (Math.cos(angle - direction) > 0) filament += Math.exp(-(offset * offset) / width2);
        }
        const aster = Math.exp(-(r * r) / 8);
        value = (1 - order) * 0.55 + order * (0.15 + filamentGain * Math.min(filament, 1.5) * 0.75 + 0.6 * aster);
      } else {
        const cortex = Math.exp(-((depth - 1) * (depth - 1)) / 2);
        const fibre = Math.pow(0.5 + 0.5 * Math.cos((2 * Math.PI * v) / FIBRE_SPACING + cell.fibrePhase), 6);
        value = 0.2 + cm.cortex * 1.2 * cortex + cm.stressFibres * 0.9 * fibre;
        for (const punctum of cell.puncta) {
          const d2 = (u - punctum.u) ** 2 + (v - punctum.v) ** 2;
          value += 1.6 * Math.exp(-d2 / 3);
        }
      }
      value *= brightness * edge;
      if (value > signal[index]) signal[index] = value;
    }
  }
}

const BASE_FILAMENTS = 18;
const BASE_FILAMENT_WIDTH = 0.9;
/** px between parallel stress fibres */
const FIBRE_SPACING = 3.5;

/** Knuth's method: counts are small (a few per cell). */
function poisson(mean: number, rng: SeededRandom): number {
  const limit = Math.exp(-mean);
  let count = 0;
  let product = rng.next();
  while (product > limit && count < 50) {
    count += 1;
    product *= rng.next();
  }
  return count;
}
