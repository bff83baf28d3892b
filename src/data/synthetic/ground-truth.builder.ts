import { cellLineByName } from './cell-line.catalog';
import { buildChannelTruth, type ChannelTruth } from './channel-truth.builder';
import { compoundByName, doseLadder } from './compound.catalog';
import { MOAS } from './moa.catalog';
import { BASE_MORPHOLOGY, PARAMETER_DOCS, type Morphology, type Nuisance } from './morphology.model';
import { plateLayout } from './plate.layout';
import type { ScreenPreset } from './screen.presets';
import { compoundEffect, plateNuisance, treatmentTruth, type CompoundEffect, type TreatmentTruth } from './treatment.model';

/** Everything needed to judge a learned representation against what was simulated (ground-truth.json). */
export interface GroundTruth {
  format: 'morphospace-synthetic-screen/1';
  preset: ScreenPreset;
  seed: number;
  parameters: { docs: Record<string, string>; base: Morphology; effectRule: string };
  moas: Array<{ name: string; description: string; effect: Record<string, number>; compounds: string[] }>;
  compounds: Record<string, CompoundEffect & { concentrations: number[] }>;
  cellLines: Record<string, { tissue: string; baseline: Morphology; sensitivity: number; resistance: Record<string, number> }>;
  plates: Record<string, Nuisance>;
  treatments: TreatmentTruth[];
  /** multi-channel screens only: the channels, which one each MoA acts on, and each treatment's channel parameters */
  channels?: ChannelTruth;
}

export function buildGroundTruth(preset: ScreenPreset, seed: number): GroundTruth {
  const names = [...preset.compounds, ...preset.controls];
  const effects = new Map(names.map((name) => [name, compoundEffect(compoundByName(name), seed)]));

  const compounds: GroundTruth['compounds'] = {};
  for (const name of names) {
    const compound = compoundByName(name);
    compounds[name] = { ...(effects.get(name) as CompoundEffect), concentrations: doseLadder(compound, preset.concentrations) };
  }

  const moas: GroundTruth['moas'] = [];
  for (const spec of Object.values(MOAS)) {
    const members = names.filter((name) => MOAS[compoundByName(name).moa].name === spec.name);
    if (members.length > 0) moas.push({ name: spec.name, description: spec.description, effect: { ...spec.effect }, compounds: members });
  }

  const cellLines: GroundTruth['cellLines'] = {};
  const treatments: TreatmentTruth[] = [];
  for (const lineName of preset.cellLines) {
    const line = cellLineByName(lineName);
    cellLines[lineName] = { tissue: line.tissue, baseline: line.baseline, sensitivity: line.sensitivity, resistance: { ...line.resistance } };
    for (const name of names) {
      const compound = compoundByName(name);
      for (const concentration of doseLadder(compound, preset.concentrations)) {
        treatments.push(treatmentTruth(line, compound, effects.get(name) as CompoundEffect, concentration));
      }
    }
  }

  const plates: GroundTruth['plates'] = {};
  for (const plate of plateLayout(preset).plates) plates[plate] = plateNuisance(seed, plate);

  return {
    format: 'morphospace-synthetic-screen/1',
    preset,
    seed,
    parameters: {
      docs: PARAMETER_DOCS,
      base: BASE_MORPHOLOGY,
      effectRule: 'treated = baseline * exp(effect * effectSize), effectSize = hill(concentration; ec50, hill) * sensitivity',
    },
    moas,
    compounds,
    cellLines,
    plates,
    treatments,
    ...(preset.channels ? { channels: buildChannelTruth(preset, seed, treatments, new Map(names.map((name) => [name, MOAS[compoundByName(name).moa].name]))) } : {}),
  };
}

export function treatmentKey(cellLine: string, compound: string, concentration: number): string {
  return `${cellLine}\u0000${compound}\u0000${concentration}`;
}
