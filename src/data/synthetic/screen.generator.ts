import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { ThreadPool } from '../../util/thread-pool';
import { manifestLine } from '../manifest.codec';
import type { SyntheticChannel } from './channel.catalog';
import { withChannels } from './channel-truth.builder';
import { resumePoint } from './generation.journal';
import { buildGroundTruth } from './ground-truth.builder';
import { renderImageBatch, type ImageBatchRequest } from './image-batch.renderer';
import { imageCount, imageSpecs, plateLayout, type ImageSpec } from './plate.layout';
import { presetByName, type LargePresetOptions, type PresetName, type ScreenPreset } from './screen.presets';

export interface GenerateScreenOptions {
  preset: PresetName | ScreenPreset;
  seed: number;
  outDir: string;
  /** scale knobs; mostly for `large` */
  overrides?: LargePresetOptions;
  /** stop after this many images (streaming smoke tests of `large`) */
  limit?: number;
  /** stained channels, one PNG each (channel.catalog.ts); absent or empty: one grey PNG per site */
  channels?: readonly SyntheticChannel[];
  onProgress?: (done: number, total: number) => void;
}

export interface ScreenSummary {
  preset: string;
  seed: number;
  outDir: string;
  manifestPath: string;
  groundTruthPath: string;
  /** images in the screen directory now */
  images: number;
  /** images a killed earlier call had finished, which this one kept */
  resumed: number;
  plates: number;
  cellLines: number;
  compounds: number;
  imageSize: number;
  /** multi-channel screens only */
  channels?: SyntheticChannel[];
  /** PNG bytes this call wrote */
  bytes: number;
  seconds: number;
}

export const MANIFEST_FILE = 'manifest.csv';
/** images per message to a render thread: enough to outweigh the messaging */
const IMAGES_PER_BATCH = 32;
export const GROUND_TRUTH_FILE = 'ground-truth.json';

/**
 * Writes a synthetic screen: images/<plate>/<well>_s<site>.png (with channels:
 * <well>_s<site>_<channel>.png per channel), manifest.csv and ground-truth.json. Streams batch by batch (memory does not grow with
 * the screen) and is byte-for-byte reproducible for a preset and seed. A call on a
 * directory that a killed call left continues after its last finished image
 * (generation.journal.ts), with the same bytes as one uninterrupted call.
 */
export async function generateScreen(options: GenerateScreenOptions): Promise<ScreenSummary> {
  const started = process.hrtime.bigint();
  const named = typeof options.preset === 'string' ? presetByName(options.preset, options.overrides) : options.preset;
  const preset = options.channels && options.channels.length > 0 ? withChannels(named, options.channels) : named;
  const channels = preset.channels ?? [];
  const filesOf = (spec: ImageSpec): string[] => (channels.length > 0 ? channels.map((channel) => spec.path.replace(/\.png$/, `_${channel}.png`)) : [spec.path]);
  const seed = options.seed;
  const truth = buildGroundTruth(preset, seed);
  const total = Math.min(imageCount(preset), options.limit ?? Number.POSITIVE_INFINITY);

  mkdirSync(options.outDir, { recursive: true });
  for (const plate of plateLayout(preset).plates) mkdirSync(join(options.outDir, 'images', plate), { recursive: true });

  const manifestPath = join(options.outDir, MANIFEST_FILE);
  const resumed = resumePoint(options.outDir, manifestPath, preset, seed, channels);
  const manifest = openSync(manifestPath, 'a');
  // images are rendered on worker threads and written here in order: the same bytes as one thread
  const pool = new ThreadPool<ImageBatchRequest, Uint8Array[]>(join(__dirname, 'image-batch.worker.js'), renderImageBatch);
  const inFlight: Array<{ specs: ImageSpec[]; pngs: Promise<Uint8Array[]> }> = [];
  let bytes = 0;
  let done = resumed;
  const writeOldest = async () => {
    const { specs, pngs } = inFlight.shift()!;
    const rendered = await pngs;
    const files = specs.map(filesOf);
    files.forEach((paths, i) => paths.forEach((path, c) => writeFileSync(join(options.outDir, path), rendered[i * paths.length + c])));
    bytes += rendered.reduce((sum, png) => sum + png.length, 0);
    writeSync(manifest, specs.map((spec, i) => (channels.length > 0 ? manifestLine({ ...spec, path: files[i][0] }, files[i]) : manifestLine(spec))).join(''));
    done += specs.length;
    options.onProgress?.(done, total);
    // let progress bars draw and signals arrive during long runs
    await yieldToEventLoop();
  };
  try {
    for (const specs of batches(imageSpecs(preset), resumed, total, IMAGES_PER_BATCH)) {
      inFlight.push({ specs, pngs: pool.run({ preset, seed, specs }) });
      if (inFlight.length >= 2 * pool.size) await writeOldest();
    }
    while (inFlight.length > 0) await writeOldest();
  } finally {
    // a failed batch leaves the others running: settle them before closing their threads
    await Promise.allSettled(inFlight.map((batch) => batch.pngs));
    await pool.close();
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
    resumed,
    plates: plateLayout(preset).plates.length,
    cellLines: preset.cellLines.length,
    compounds: preset.compounds.length + preset.controls.length,
    imageSize: preset.imageSize,
    ...(channels.length > 0 ? { channels: [...channels] } : {}),
    bytes,
    seconds: Number(seconds.toFixed(3)),
  };
}

/** The specs after the first `skip`, up to `total` in all, `size` at a time. */
function* batches(specs: Iterable<ImageSpec>, skip: number, total: number, size: number): Generator<ImageSpec[]> {
  let batch: ImageSpec[] = [];
  let taken = 0;
  for (const spec of specs) {
    if (taken >= total) break;
    taken += 1;
    if (taken <= skip) continue;
    batch.push(spec);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
