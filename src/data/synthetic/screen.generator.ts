import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { SeededRandom } from '../../util/seeded-random';
import { manifestHeader, manifestLine } from '../manifest.codec';
import { renderField } from './cell.renderer';
import { buildGroundTruth, treatmentKey, type GroundTruth } from './ground-truth.builder';
import { imageCount, imageSpecs, plateLayout, type ImageSpec } from './plate.layout';
import { encodeGreyPng } from './png.encoder';
import { presetByName, type LargePresetOptions, type PresetName, type ScreenPreset } from './screen.presets';
import { fieldMorphology, imageNuisance, type TreatmentTruth } from './treatment.model';

export interface GenerateScreenOptions {
  preset: PresetName | ScreenPreset;
  seed: number;
  outDir: string;
  /** scale knobs; mostly for `large` */
  overrides?: LargePresetOptions;
  /** stop after this many images (streaming smoke tests of `large`) */
  limit?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ScreenSummary {
  preset: string;
  seed: number;
  outDir: string;
  manifestPath: string;
  groundTruthPath: string;
  images: number;
  plates: number;
  cellLines: number;
  compounds: number;
  imageSize: number;
  bytes: number;
  seconds: number;
}

export const MANIFEST_FILE = 'manifest.csv';
export const GROUND_TRUTH_FILE = 'ground-truth.json';

/**
 * Writes a synthetic screen: images/<plate>/<well>_s<site>.png, manifest.csv
 * and ground-truth.json. Streams image by image (memory does not grow with
 * the screen) and is byte-for-byte reproducible for a preset and seed.
 */
export async function generateScreen(options: GenerateScreenOptions): Promise<ScreenSummary> {
  const started = process.hrtime.bigint();
  const preset = typeof options.preset === 'string' ? presetByName(options.preset, options.overrides) : options.preset;
  const seed = options.seed;
  const truth = buildGroundTruth(preset, seed);
  const total = Math.min(imageCount(preset), options.limit ?? Number.POSITIVE_INFINITY);

  const treatments = new Map(truth.treatments.map((t) => [treatmentKey(t.cellLine, t.compound, t.concentration), t]));
  mkdirSync(options.outDir, { recursive: true });
  for (const plate of plateLayout(preset).plates) mkdirSync(join(options.outDir, 'images', plate), { recursive: true });

  const manifestPath = join(options.outDir, MANIFEST_FILE);
  const manifest = openSync(manifestPath, 'w');
  let bytes = 0;
  let done = 0;
  try {
    writeSync(manifest, manifestHeader());
    let pending = '';
    for (const spec of imageSpecs(preset)) {
      if (done >= total) break;
      const png = renderImage(spec, preset, seed, truth, treatments);
      writeFileSync(join(options.outDir, spec.path), png);
      bytes += png.length;
      pending += manifestLine(spec);
      done += 1;
      if (done % 64 === 0 || done === total) {
        writeSync(manifest, pending);
        pending = '';
        options.onProgress?.(done, total);
        // let progress bars draw and signals arrive during long runs
        await yieldToEventLoop();
      }
    }
    if (pending) writeSync(manifest, pending);
  } finally {
    closeSync(manifest);
  }

  const groundTruthPath = join(options.outDir, GROUND_TRUTH_FILE);
  writeFileSync(groundTruthPath, `${JSON.stringify(truth, null, 2)}\n`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    preset: preset.name,
    seed,
    outDir: options.outDir,
    manifestPath,
    groundTruthPath,
    images: done,
    plates: plateLayout(preset).plates.length,
    cellLines: preset.cellLines.length,
    compounds: preset.compounds.length + preset.controls.length,
    imageSize: preset.imageSize,
    bytes,
    seconds: Number(seconds.toFixed(3)),
  };
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
