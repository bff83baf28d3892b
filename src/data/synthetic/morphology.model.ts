/**
 * A SIMCEP-style parametric model of a cell population in one field of view
 * (Lehmussola et al., IEEE TMI 2007): a treatment changes a handful of
 * interpretable population parameters, the renderer turns them into pixels.
 *
 * Every parameter is positive, and treatment effects are log-fold changes
 * (p' = p * exp(effect * response)), so one rule covers counts, sizes and
 * probabilities alike and effects of different MoAs stay comparable.
 */
export const MORPHOLOGY_PARAMETERS = [
  'cellCount',
  'cellRadius',
  'elongation',
  'irregularity',
  'texture',
  'intensity',
  'nucleusRatio',
  'multinucleation',
  'clustering',
] as const;
export type MorphologyParameter = (typeof MORPHOLOGY_PARAMETERS)[number];

export type Morphology = Record<MorphologyParameter, number>;
export type MorphologyEffect = Partial<Record<MorphologyParameter, number>>;

/** What each parameter means to the renderer (kept in ground-truth.json). */
export const PARAMETER_DOCS: Record<MorphologyParameter, string> = {
  cellCount: 'mean number of cells in a 256x256 px field (density; scaled by field area for other image sizes)',
  cellRadius: 'mean equivalent cell radius in px (cell area = pi * r^2 whatever the elongation)',
  elongation: 'aspect ratio minus 1 of the cell ellipse (0 = round)',
  irregularity: 'amplitude of low-order harmonics on the cell boundary (0 = smooth ellipse)',
  texture: 'relative contrast of the cytoplasm texture (value noise)',
  intensity: 'mean cytoplasm grey level before plate gain and background (0-255)',
  nucleusRatio: 'nucleus radius as a fraction of the cell radius',
  multinucleation: 'probability that a cell has 2-4 nuclei instead of 1 (clamped to 0.95)',
  clustering: 'share of cells placed around colony centres instead of uniformly (clamped to 0.95)',
};

/** A typical adherent cancer line in a 256x256 px field at the reference magnification. */
export const BASE_MORPHOLOGY: Morphology = {
  cellCount: 40,
  cellRadius: 11,
  elongation: 0.35,
  irregularity: 0.12,
  texture: 0.25,
  intensity: 120,
  nucleusRatio: 0.45,
  multinucleation: 0.03,
  clustering: 0.3,
};

/** Imaging nuisance: batch effects of a plate plus per-image jitter; never biology. */
export interface Nuisance {
  /** multiplicative gain on all signal (plate lamp / exposure) */
  gain: number;
  /** additive background grey level */
  background: number;
  /** relative brightness change from one image edge to the opposite one */
  illumination: number;
  /** direction of the illumination gradient, radians */
  illuminationAngle: number;
  /** Gaussian blur sigma in px (focus) */
  blur: number;
  /** sd of additive Gaussian pixel noise, grey levels */
  noise: number;
}

/**
 * Hill dose-response, 0 at no drug and 1 at saturation. The response of a
 * cell line is this times its sensitivity, so an insensitive line never
 * reaches the full effect.
 */
export function hillResponse(concentration: number, ec50: number, hill: number): number {
  if (concentration <= 0) return 0;
  const ratio = Math.pow(concentration / ec50, hill);
  return ratio / (1 + ratio);
}

const CLAMPED_PROBABILITIES: ReadonlySet<MorphologyParameter> = new Set(['multinucleation', 'clustering']);

export function applyEffect(baseline: Morphology, effect: MorphologyEffect, response: number): Morphology {
  const result = { ...baseline };
  for (const parameter of MORPHOLOGY_PARAMETERS) {
    const logFold = effect[parameter] ?? 0;
    let value = baseline[parameter] * Math.exp(logFold * response);
    if (CLAMPED_PROBABILITIES.has(parameter)) value = Math.min(value, 0.95);
    result[parameter] = value;
  }
  return result;
}

/**
 * Expected change of the imaged foreground area (ignoring overlap): cells
 * times cell area. The renderer keeps area = pi r^2 whatever the elongation,
 * so only count and radius matter to first order.
 */
export function expectedForegroundAreaRatio(baseline: Morphology, treated: Morphology): number {
  return (treated.cellCount / baseline.cellCount) * (treated.cellRadius / baseline.cellRadius) ** 2;
}
