import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { streamCropBatches, type LabelledImage } from '../data/crops/crop-batch.streamer';
import { parseManifest } from '../data/manifest.codec';
import { MANIFEST_FILE, generateScreen } from '../data/synthetic/screen.generator';
import { TINY_PRESET } from '../data/synthetic/screen.presets';
import { STRATEGIES, strategyName, type Strategy } from '../training/setups';
import { printJsonLine } from './json-lines';
import { UsageError } from './usage-error';

export interface BenchCropsOptions {
  strategies: Strategy[];
  seconds: number;
  batch: number;
  screen?: string;
}

export function parseBenchCropsOptions(raw: Record<string, unknown>): BenchCropsOptions {
  const wanted = raw.strategy === undefined ? 'all' : String(raw.strategy);
  const strategies = wanted === 'all' ? [...STRATEGIES] : STRATEGIES.filter((s) => strategyName(s) === wanted);
  if (strategies.length === 0) {
    throw new UsageError(`--strategy must be all or one of ${STRATEGIES.map(strategyName).join(', ')}, got "${wanted}"`);
  }
  const seconds = Number(raw.seconds ?? 5);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) throw new UsageError(`--seconds must be a number in (0, 3600], got "${String(raw.seconds)}"`);
  const batch = Number(raw.batch ?? 64);
  if (!Number.isInteger(batch) || batch < 1 || batch > 4096) throw new UsageError(`--batch must be an integer from 1 to 4096, got "${String(raw.batch)}"`);
  return { strategies, seconds, batch, screen: typeof raw.screen === 'string' ? resolve(raw.screen) : undefined };
}

/** `morphospace bench crops`: crop + augmentation throughput per strategy, one JSON line each. */
export function registerBenchCropsCommand(bench: Command): void {
  bench
    .command('crops')
    .description('Crop and augmentation pipeline throughput per strategy (generates a small screen unless --screen)')
    .option('--strategy <name>', `all | ${STRATEGIES.map(strategyName).join(' | ')}`, 'all')
    .option('--seconds <s>', 'time per strategy', '5')
    .option('--batch <n>', 'images per batch', '64')
    .option('--screen <dir>', 'an existing screen directory with manifest.csv')
    .action(async (raw: Record<string, unknown>) => {
      const options = parseBenchCropsOptions(raw);
      const temp = options.screen ? undefined : mkdtempSync(join(tmpdir(), 'morphospace-bench-crops-'));
      try {
        const dir = options.screen ?? (temp as string);
        if (temp) await generateScreen({ preset: { ...TINY_PRESET, name: 'bench', imageSize: 256 }, seed: 1, outDir: temp });
        const rows = parseManifest(readFileSync(join(dir, MANIFEST_FILE), 'utf8'));
        const images: LabelledImage[] = rows.map((row) => ({ id: row.path, path: join(dir, row.path), label: row.control ? 0 : 1 }));
        for (const strategy of options.strategies) printJsonLine(await benchStrategy(images, strategy, options));
      } finally {
        if (temp) rmSync(temp, { recursive: true, force: true });
      }
    });
}

async function benchStrategy(images: LabelledImage[], strategy: Strategy, options: BenchCropsOptions): Promise<object> {
  const budget = options.seconds * 1000;
  const started = performance.now();
  let crops = 0;
  let decoded = 0;
  let cropsPerImage = 0;
  let checksum = 0;
  for (let epoch = 0; performance.now() - started < budget; epoch += 1) {
    for await (const batch of streamCropBatches({ images, batchSize: options.batch, strategy, seed: 1, epoch })) {
      crops += batch.shape[0];
      decoded += batch.images;
      cropsPerImage = batch.cropsPerImage;
      checksum += batch.data[0];
      if (performance.now() - started >= budget) break;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  void checksum;
  return {
    bench: 'crops',
    strategy: strategyName(strategy),
    batch: options.batch,
    cropsPerImage,
    seconds: Number(seconds.toFixed(2)),
    imagesPerSecond: Math.round(decoded / seconds),
    cropsPerSecond: Math.round(crops / seconds),
  };
}
