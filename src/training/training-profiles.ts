import { BadUserInputError } from '../errors/app-errors';

/** The settings every run of a sweep shares; stored on the sweep and on each run. */
export interface TrainingConfig {
  epochs: number;
  /** images per batch (a multi-crop batch has 5 crops of each) */
  batchSize: number;
  learningRate: number;
  /** at most this many images per epoch, drawn afresh each epoch; 0 = the whole training split */
  imagesPerEpoch: number;
  /** share of plates held out for validation */
  validationFraction: number;
  seed: number;
}

export const TRAINING_PROFILES = {
  /** the reference study's settings */
  paper: { epochs: 50, batchSize: 256, learningRate: 1e-4, imagesPerEpoch: 0, validationFraction: 0.2, seed: 1 },
  /** short enough that the 16 setups of the demo screen train in minutes on 2 cores */
  quick: { epochs: 3, batchSize: 32, learningRate: 1e-3, imagesPerEpoch: 192, validationFraction: 0.2, seed: 1 },
} as const satisfies Record<string, TrainingConfig>;

export type TrainingProfileName = keyof typeof TRAINING_PROFILES;

/** A profile with any of its fields overridden; every value checked. */
export function trainingConfig(profile: string, overrides: Partial<TrainingConfig> = {}): TrainingConfig {
  if (!(profile in TRAINING_PROFILES)) {
    throw new BadUserInputError(`profile must be one of ${Object.keys(TRAINING_PROFILES).join(', ')}, got "${profile}"`, 'profile');
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined && value !== null));
  const config: TrainingConfig = { ...TRAINING_PROFILES[profile as TrainingProfileName], ...defined };
  const integer = (name: keyof TrainingConfig, low: number, high: number) => {
    const value = config[name];
    if (!Number.isInteger(value) || value < low || value > high) throw new BadUserInputError(`${name} must be an integer from ${low} to ${high}, got ${value}`, name);
  };
  integer('epochs', 1, 1000);
  integer('batchSize', 1, 4096);
  integer('imagesPerEpoch', 0, 100_000_000);
  integer('seed', 0, 2 ** 31 - 1);
  if (!(config.learningRate > 0 && config.learningRate < 1)) throw new BadUserInputError(`learningRate must be in (0, 1), got ${config.learningRate}`, 'learningRate');
  if (!(config.validationFraction > 0 && config.validationFraction < 1)) {
    throw new BadUserInputError(`validationFraction must be in (0, 1), got ${config.validationFraction}`, 'validationFraction');
  }
  return config;
}
