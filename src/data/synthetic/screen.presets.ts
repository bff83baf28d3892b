import { CELL_LINES } from './cell-line.catalog';
import type { SyntheticChannel } from './channel.catalog';
import { DRUGS } from './compound.catalog';

/** The shape of a synthetic screen; everything else follows from it and the seed. */
export interface ScreenPreset {
  name: string;
  cellLines: string[];
  /** treated compounds (not controls) */
  compounds: string[];
  controls: string[];
  /** doses per compound, the top of its dose ladder */
  concentrations: number;
  /** wells per control compound per cell line per plate */
  controlWells: number;
  /** each replicate is a fresh set of plates with its own batch effect */
  replicates: number;
  sitesPerWell: number;
  imageSize: number;
  /** stained channels, one PNG each; absent: one grey image per site (channel-truth.builder.ts withChannels) */
  channels?: SyntheticChannel[];
}

export const PRESET_NAMES = ['tiny', 'demo', 'large'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** For tests: 144 images of 128x128 px, 2 plates, antifolates, taxanes, one barely-acting drug. */
export const TINY_PRESET: ScreenPreset = {
  name: 'tiny',
  cellLines: ['ACHN', 'HT29', 'MDAMB231'],
  compounds: ['Methotrexate', 'Pemetrexed', 'Paclitaxel', 'Docetaxel', 'Metformin'],
  controls: ['DMSO'],
  concentrations: 2,
  controlWells: 2,
  replicates: 2,
  sitesPerWell: 2,
  imageSize: 128,
};

/** For trying the system out: six lines, the MoA pairs of the reference study, 3168 images of 256x256 px. */
export const DEMO_PRESET: ScreenPreset = {
  name: 'demo',
  cellLines: ['ACHN', 'HT29', 'MDAMB231', 'SW620', 'LOXIMVI', 'HCT15'],
  compounds: [
    'Methotrexate',
    'Pemetrexed',
    'Paclitaxel',
    'Docetaxel',
    'Irinotecan',
    'Topotecan',
    'Everolimus',
    'Rapamycin',
    'Gemcitabine',
    'Trametinib',
    'Metformin',
    'Etomoxir',
  ],
  controls: ['DMSO', 'PBS'],
  concentrations: 3,
  controlWells: 4,
  replicates: 3,
  sitesPerWell: 4,
  imageSize: 256,
};

export interface LargePresetOptions {
  replicates?: number;
  sitesPerWell?: number;
  concentrations?: number;
  imageSize?: number;
}

/**
 * The full reference design (21 lines x 31 drugs x 5 doses + controls);
 * the defaults give 21 * 167 wells * 6 replicates * 37 sites = 778,638
 * images, about the reference study's 770k. Meant to be streamed.
 */
export function largePreset(options: LargePresetOptions = {}): ScreenPreset {
  return {
    name: 'large',
    cellLines: CELL_LINES.map((line) => line.name),
    compounds: DRUGS.map((compound) => compound.name),
    controls: ['DMSO', 'PBS'],
    concentrations: options.concentrations ?? 5,
    controlWells: 6,
    replicates: options.replicates ?? 6,
    sitesPerWell: options.sitesPerWell ?? 37,
    imageSize: options.imageSize ?? 256,
  };
}

export function presetByName(name: PresetName, options: LargePresetOptions = {}): ScreenPreset {
  const base = name === 'tiny' ? TINY_PRESET : name === 'demo' ? DEMO_PRESET : largePreset(options);
  return {
    ...base,
    replicates: options.replicates ?? base.replicates,
    sitesPerWell: options.sitesPerWell ?? base.sitesPerWell,
    concentrations: options.concentrations ?? base.concentrations,
    imageSize: options.imageSize ?? base.imageSize,
  };
}

export function isPresetName(value: string): value is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(value);
}
