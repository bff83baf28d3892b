import type { Command } from 'commander';
import type { TrainingConfig } from '../training/training-profiles';
import { UsageError } from './usage-error';

/** The flags that override a training profile's fields, as given on the command line. */
export interface TrainingOverrideFlags {
  epochs?: string;
  patience?: string;
  minDelta?: string;
  batchSize?: string;
  learningRate?: string;
  imagesPerEpoch?: string;
  cropsPerEpoch?: string;
  validationImages?: string;
  seed?: string;
  embedTileSize?: string;
}

/**
 * The profile-override flags shared by `sweep` and `bench science`; `seed: false` leaves out
 * --seed (bench science's --seed is the screen's).
 */
export function withTrainingOverrideOptions(command: Command, options: { seed: boolean }): Command {
  const withSeed = options.seed ? command.option('--seed <n>', 'override the profile: training seed') : command;
  return withSeed
    .option('--epochs <n>', 'override the profile: the most epochs a run trains')
    .option('--patience <n>', 'override the profile: stop after this many epochs without a better validation loss (0 = never early)')
    .option('--min-delta <x>', 'override the profile: the least drop in validation loss that counts as better')
    .option('--batch-size <n>', 'override the profile')
    .option('--learning-rate <x>', 'override the profile')
    .option('--images-per-epoch <n>', 'override the profile (0 = all training images)')
    .option('--crops-per-epoch <n>', 'override the profile (a multi-crop image is 5 crops, a BYOL image 2; 0 = no limit)')
    .option('--validation-images <n>', 'override the profile: held-out images the validation loss is measured on')
    .option('--embed-tile-size <px>', 'override the profile: tile side for embedding (0 = the whole image)');
}

/** Numbers from the flags; the profile checks their ranges (trainingConfig). */
export function trainingOverridesFrom(flags: TrainingOverrideFlags): Partial<TrainingConfig> {
  const number = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`${flag} must be a number, got "${text}"`);
    return value;
  };
  return {
    epochs: number('--epochs', flags.epochs),
    patience: number('--patience', flags.patience),
    minDelta: number('--min-delta', flags.minDelta),
    batchSize: number('--batch-size', flags.batchSize),
    learningRate: number('--learning-rate', flags.learningRate),
    imagesPerEpoch: number('--images-per-epoch', flags.imagesPerEpoch),
    cropsPerEpoch: number('--crops-per-epoch', flags.cropsPerEpoch),
    validationImages: number('--validation-images', flags.validationImages),
    seed: number('--seed', flags.seed),
    embedTileSize: number('--embed-tile-size', flags.embedTileSize),
  };
}
