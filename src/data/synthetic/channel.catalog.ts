import type { MoaKey } from './moa.catalog';

/**
 * The channels the generator can draw, as in a BBBC021-style screen (DAPI, tubulin, actin),
 * each a structure of its own: nuclei, microtubule filaments, actin cortex and fibres.
 * Cells share their geometry across channels; only what is stained differs.
 */
export const SYNTHETIC_CHANNELS = ['dna', 'tubulin', 'actin'] as const;
export type SyntheticChannel = (typeof SYNTHETIC_CHANNELS)[number];

/** The role a channel plays for the importer and the classical features (the DNA channel holds the nuclei). */
export const CHANNEL_ROLES: Record<SyntheticChannel, string> = { dna: 'DNA', tubulin: 'tubulin', actin: 'actin' };

export const CHANNEL_PARAMETERS = ['chromatinTexture', 'micronuclei', 'nucleusBrightness', 'filamentOrder', 'filamentWidth', 'filaments', 'stressFibres', 'cortex', 'actinPuncta'] as const;
export type ChannelParameter = (typeof CHANNEL_PARAMETERS)[number];
export type ChannelMorphology = Record<ChannelParameter, number>;
export type ChannelEffect = Partial<Record<ChannelParameter, number>>;

/** Which channel shows each parameter, and what it means to the renderer (kept in ground-truth.json). */
export const CHANNEL_PARAMETER_DOCS: Record<ChannelParameter, { channel: SyntheticChannel; doc: string }> = {
  chromatinTexture: { channel: 'dna', doc: 'relative contrast of the chromatin texture inside nuclei' },
  micronuclei: { channel: 'dna', doc: 'mean number of micronuclei (small DNA bodies in the cytoplasm) per cell' },
  nucleusBrightness: { channel: 'dna', doc: 'DNA stain brightness of the nuclei, relative' },
  filamentOrder: { channel: 'tubulin', doc: 'share of tubulin in filaments rather than diffuse (clamped to 0.95)' },
  filamentWidth: { channel: 'tubulin', doc: 'microtubule filament (or bundle) width in px' },
  filaments: { channel: 'tubulin', doc: 'microtubules radiating from the centrosome per cell' },
  stressFibres: { channel: 'actin', doc: 'brightness of the actin stress fibres along the cell axis, relative' },
  cortex: { channel: 'actin', doc: 'brightness of the cortical actin ring under the membrane, relative' },
  actinPuncta: { channel: 'actin', doc: 'mean number of actin aggregates per cell' },
};

export const BASE_CHANNEL_MORPHOLOGY: ChannelMorphology = {
  chromatinTexture: 0.3,
  micronuclei: 0.05,
  nucleusBrightness: 1,
  filamentOrder: 0.75,
  filamentWidth: 0.9,
  filaments: 18,
  stressFibres: 0.6,
  cortex: 0.5,
  actinPuncta: 0.2,
};

/**
 * What a mechanism does to the channel it acts on, as log-fold changes at full response (the
 * rule of morphology.model.ts). A mechanism not listed acts on no channel in particular: only
 * through the cell shape and count every channel shows.
 */
export const MOA_CHANNEL_EFFECTS: Partial<Record<MoaKey, { channel: SyntheticChannel; effect: ChannelEffect }>> = {
  microtubuleStabiliser: { channel: 'tubulin', effect: { filamentWidth: 1.1, filaments: -0.9, filamentOrder: 0.2 } },
  microtubuleDestabiliser: { channel: 'tubulin', effect: { filamentOrder: -2.2, filaments: -0.5 } },
  actinDisruptor: { channel: 'actin', effect: { stressFibres: -2.5, cortex: -1, actinPuncta: 2.6 } },
  topoisomeraseI: { channel: 'dna', effect: { micronuclei: 2.6, chromatinTexture: 0.9, nucleusBrightness: 0.3 } },
  dnaCrosslinker: { channel: 'dna', effect: { micronuclei: 2.3, chromatinTexture: 0.7, nucleusBrightness: 0.25 } },
  nucleosideAnalogue: { channel: 'dna', effect: { micronuclei: 1.8, chromatinTexture: 0.5, nucleusBrightness: 0.2 } },
};

/** Compounds a screen with a channel gets if its preset lacks them: two per mechanism, so each channel's mechanism has a neighbour compound. */
export const CHANNEL_COMPOUNDS: Record<SyntheticChannel, readonly string[]> = {
  dna: ['Irinotecan', 'Topotecan'],
  tubulin: ['Paclitaxel', 'Docetaxel', 'Nocodazole', 'Colchicine'],
  actin: ['Cytochalasin B', 'Cytochalasin D'],
};

const CLAMPED: ReadonlySet<ChannelParameter> = new Set(['filamentOrder']);

export function applyChannelEffect(effect: ChannelEffect, effectSize: number): ChannelMorphology {
  const result = { ...BASE_CHANNEL_MORPHOLOGY };
  for (const parameter of CHANNEL_PARAMETERS) {
    const value = BASE_CHANNEL_MORPHOLOGY[parameter] * Math.exp((effect[parameter] ?? 0) * effectSize);
    result[parameter] = CLAMPED.has(parameter) ? Math.min(value, 0.95) : value;
  }
  return result;
}

/** `--channels dna,tubulin,actin` -> the channel list, or an error naming what is wrong. */
export function parseSyntheticChannels(text: string): SyntheticChannel[] {
  const names = text.split(',').map((name) => name.trim().toLowerCase());
  for (const name of names) {
    if (!(SYNTHETIC_CHANNELS as readonly string[]).includes(name)) throw new Error(`unknown channel "${name}": the generator draws ${SYNTHETIC_CHANNELS.join(', ')}`);
  }
  if (new Set(names).size !== names.length) throw new Error(`a channel is named twice in "${text}"`);
  return names as SyntheticChannel[];
}
