import { SeededRandom } from '../../util/seeded-random';
import {
  BASE_CHANNEL_MORPHOLOGY,
  CHANNEL_COMPOUNDS,
  CHANNEL_PARAMETER_DOCS,
  CHANNEL_PARAMETERS,
  CHANNEL_ROLES,
  MOA_CHANNEL_EFFECTS,
  applyChannelEffect,
  type ChannelEffect,
  type ChannelMorphology,
  type SyntheticChannel,
} from './channel.catalog';
import { compoundByName } from './compound.catalog';
import type { ScreenPreset } from './screen.presets';
import type { TreatmentTruth } from './treatment.model';

/** What ground-truth.json says about the channels of a multi-channel screen. */
export interface ChannelTruth {
  channels: Array<{ name: SyntheticChannel; role: string }>;
  parameters: typeof CHANNEL_PARAMETER_DOCS;
  base: ChannelMorphology;
  /** per MoA of the screen: the channel it acts on (null: none in particular, only through cell shape and count) */
  moas: Array<{ name: string; actsOn: SyntheticChannel | null; effect: ChannelEffect; shownIn: boolean }>;
  /** per compound: its channel signature (the MoA's, each component scaled by a seeded factor near 1) */
  compounds: Record<string, ChannelEffect>;
  /** per treatment, in the order of the ground truth's treatments */
  treatments: ChannelMorphology[];
}

/** The preset with its channels, and the compounds each channel's mechanisms need added. */
export function withChannels(preset: ScreenPreset, channels: readonly SyntheticChannel[]): ScreenPreset {
  const compounds = [...preset.compounds];
  for (const channel of channels) for (const name of CHANNEL_COMPOUNDS[channel]) if (!compounds.includes(name)) compounds.push(name);
  return { ...preset, compounds, channels: [...channels] };
}

export function buildChannelTruth(preset: ScreenPreset, seed: number, treatments: readonly TreatmentTruth[], moaNames: ReadonlyMap<string, string>): ChannelTruth {
  const channels = preset.channels ?? [];
  const names = [...preset.compounds, ...preset.controls];
  const compounds: ChannelTruth['compounds'] = {};
  for (const name of names) compounds[name] = compoundChannelEffect(name, seed);
  const moas = new Map<string, ChannelTruth['moas'][number]>();
  for (const name of names) {
    const key = compoundByName(name).moa;
    const acting = MOA_CHANNEL_EFFECTS[key];
    const moa = moaNames.get(name) as string;
    if (!moas.has(moa)) moas.set(moa, { name: moa, actsOn: acting?.channel ?? null, effect: { ...(acting?.effect ?? {}) }, shownIn: acting ? channels.includes(acting.channel) : false });
  }
  return {
    channels: channels.map((name) => ({ name, role: CHANNEL_ROLES[name] })),
    parameters: CHANNEL_PARAMETER_DOCS,
    base: BASE_CHANNEL_MORPHOLOGY,
    moas: [...moas.values()],
    compounds,
    treatments: treatments.map((t) => roundAll(applyChannelEffect(compounds[t.compound], t.effectSize))),
  };
}

function compoundChannelEffect(name: string, seed: number): ChannelEffect {
  const acting = MOA_CHANNEL_EFFECTS[compoundByName(name).moa];
  const effect: ChannelEffect = {};
  if (!acting) return effect;
  const rng = SeededRandom.derive('morphospace/compound-channel', seed, name);
  for (const parameter of CHANNEL_PARAMETERS) {
    const base = acting.effect[parameter];
    if (base !== undefined) effect[parameter] = Number((base * Math.exp(rng.normal(0, 0.1))).toPrecision(6));
  }
  return effect;
}

function roundAll(morphology: ChannelMorphology): ChannelMorphology {
  const result = { ...morphology };
  for (const parameter of CHANNEL_PARAMETERS) result[parameter] = Number(result[parameter].toPrecision(6));
  return result;
}
