import { SeededRandom } from '../../util/seeded-random';
import { renderField } from './cell.renderer';
import { renderChannelField } from './channel-field.renderer';
import { buildGroundTruth, treatmentKey, type GroundTruth } from './ground-truth.builder';
import type { ImageSpec } from './plate.layout';
import { encodeGreyPng } from './png.encoder';
import type { ScreenPreset } from './screen.presets';
import { fieldMorphology, imageNuisance, type TreatmentTruth } from './treatment.model';

export interface ImageBatchRequest {
  preset: ScreenPreset;
  seed: number;
  specs: ImageSpec[];
}

interface ScreenTruth {
  key: string;
  truth: GroundTruth;
  treatments: Map<string, TreatmentTruth>;
  /** a treatment's position in truth.treatments (its channel parameters) */
  positions: Map<string, number>;
}

/** The last screen's ground truth: a thread renders batch after batch of the same screen. */
let cached: ScreenTruth | undefined;

function screenTruth(preset: ScreenPreset, seed: number): ScreenTruth {
  const key = `${seed}:${JSON.stringify(preset)}`;
  if (cached?.key !== key) {
    const truth = buildGroundTruth(preset, seed);
    const keys = truth.treatments.map((t) => treatmentKey(t.cellLine, t.compound, t.concentration));
    cached = { key, truth, treatments: new Map(truth.treatments.map((t, i) => [keys[i], t])), positions: new Map(keys.map((k, i) => [k, i])) };
  }
  return cached;
}

/**
 * The PNGs of a batch of images, in order (on a worker thread of the generator, or in-process):
 * one per image, or with channels one per image and channel, image-major.
 */
export function renderImageBatch({ preset, seed, specs }: ImageBatchRequest): Uint8Array[] {
  const screen = screenTruth(preset, seed);
  if (preset.channels) return specs.flatMap((spec) => renderChannelImage(spec, preset, seed, screen));
  return specs.map((spec) => renderImage(spec, preset, seed, screen.truth, screen.treatments));
}

/** One image's channels, the same cells in each. */
function renderChannelImage(spec: ImageSpec, preset: ScreenPreset, seed: number, screen: ScreenTruth): Buffer[] {
  const key = treatmentKey(spec.cellLine, spec.compound, spec.concentration);
  const treatment = screen.treatments.get(key);
  const channelMorphology = screen.truth.channels?.treatments[screen.positions.get(key) ?? -1];
  if (!treatment || !channelMorphology) throw new Error(`no ground truth for ${spec.cellLine} ${spec.compound} ${spec.concentration}`);
  const rng = SeededRandom.derive('morphospace/image', seed, spec.plate, spec.well, spec.site);
  const nuisance = imageNuisance(screen.truth.plates[spec.plate], rng);
  const morphology = fieldMorphology(treatment.morphology, rng);
  const planes = renderChannelField({ size: preset.imageSize, morphology, channelMorphology, channels: preset.channels ?? [], nuisance, rng });
  return planes.map((pixels) => encodeGreyPng(pixels, preset.imageSize, preset.imageSize));
}

/** One image, independent of every other: its stream is derived from the screen seed and its position. */
export function renderImage(
  spec: ImageSpec,
  preset: ScreenPreset,
  seed: number,
  truth: GroundTruth,
  treatments: Map<string, TreatmentTruth>,
): Buffer {
  const treatment = treatments.get(treatmentKey(spec.cellLine, spec.compound, spec.concentration));
  if (!treatment) throw new Error(`no ground truth for ${spec.cellLine} ${spec.compound} ${spec.concentration}`);
  const rng = SeededRandom.derive('morphospace/image', seed, spec.plate, spec.well, spec.site);
  const nuisance = imageNuisance(truth.plates[spec.plate], rng);
  const morphology = fieldMorphology(treatment.morphology, rng);
  const pixels = renderField({ size: preset.imageSize, morphology, nuisance, rng });
  return encodeGreyPng(pixels, preset.imageSize, preset.imageSize);
}
