import { resolve } from 'node:path';
import type { Command } from 'commander';
import { parseSyntheticChannels, SYNTHETIC_CHANNELS, type SyntheticChannel } from '../data/synthetic/channel.catalog';
import { GenerationMismatchError } from '../data/synthetic/generation.journal';
import { generateScreen } from '../data/synthetic/screen.generator';
import { PRESET_NAMES, isPresetName, type LargePresetOptions, type PresetName } from '../data/synthetic/screen.presets';
import { progressReporter } from './cli-progress';
import { printJsonLine } from './json-lines';
import { UsageError } from './usage-error';

export interface GenerateCommandOptions {
  preset: PresetName;
  seed: number;
  out: string;
  overrides: LargePresetOptions;
  limit?: number;
  channels?: SyntheticChannel[];
}

/** Raw commander values -> validated options; bad values are usage errors (exit 2). */
export function parseGenerateOptions(raw: Record<string, unknown>): GenerateCommandOptions {
  const preset = String(raw.preset ?? '');
  if (!isPresetName(preset)) throw new UsageError(`--preset must be one of ${PRESET_NAMES.join(', ')}, got "${preset}"`);
  if (typeof raw.out !== 'string' || raw.out.trim() === '') throw new UsageError('--out DIR is required');
  const overrides: LargePresetOptions = {
    replicates: optionalInteger(raw.replicates, '--replicates', 1, 1000),
    sitesPerWell: optionalInteger(raw.sites, '--sites', 1, 1000),
    concentrations: optionalInteger(raw.concentrations, '--concentrations', 1, 12),
    imageSize: optionalInteger(raw.imageSize, '--image-size', 64, 2048),
  };
  return {
    preset,
    seed: integer(raw.seed ?? '0', '--seed', 0, 2 ** 32 - 1),
    out: resolve(raw.out),
    overrides,
    limit: optionalInteger(raw.limit, '--limit', 1, Number.MAX_SAFE_INTEGER),
    channels: raw.channels === undefined ? undefined : channelsOf(raw.channels),
  };
}

export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description('Write a synthetic screen: PNG images, manifest.csv and ground-truth.json; prints a JSON summary. Run again on a directory a killed call left, it continues where that one stopped')
    .requiredOption('--preset <name>', `screen size: ${PRESET_NAMES.join(' | ')}`)
    .option('--seed <n>', 'random seed (same preset and seed give identical files)', '0')
    .requiredOption('--out <dir>', 'output directory')
    .option('--replicates <n>', 'override: replicate plate sets')
    .option('--sites <n>', 'override: images per well')
    .option('--concentrations <n>', 'override: doses per compound')
    .option('--image-size <px>', 'override: image side in pixels')
    .option('--limit <n>', 'stop after n images (streaming check of large screens)')
    .option('--channels <list>', `stained channels, one PNG each, comma-separated from ${SYNTHETIC_CHANNELS.join(', ')} (default: one grey image)`)
    .action(async (raw: Record<string, unknown>) => {
      const options = parseGenerateOptions(raw);
      const progress = progressReporter('generate');
      try {
        const summary = await generateScreen({
          preset: options.preset,
          seed: options.seed,
          outDir: options.out,
          overrides: options.overrides,
          limit: options.limit,
          channels: options.channels,
          onProgress: (done, total) => progress.update(done, total),
        });
        progress.stop();
        printJsonLine(summary);
      } catch (error) {
        // another screen's leftovers are bad input, not a failure
        if (error instanceof GenerationMismatchError) throw new UsageError(error.message);
        throw error;
      } finally {
        progress.stop();
      }
    });
}

function channelsOf(value: unknown): SyntheticChannel[] {
  try {
    return parseSyntheticChannels(String(value));
  } catch (error) {
    throw new UsageError(`--channels: ${(error as Error).message}`);
  }
}

function integer(value: unknown, flag: string, min: number, max: number): number {
  const text = String(value).trim();
  const parsed = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return parsed;
}

function optionalInteger(value: unknown, flag: string, min: number, max: number): number | undefined {
  return value === undefined ? undefined : integer(value, flag, min, max);
}
