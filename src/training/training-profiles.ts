import { cropsPerImage } from '../data/crops/crop.plan';
import { BadUserInputError } from '../errors/app-errors';
import type { StoppingRule } from './early-stopping';
import type { Paradigm, Strategy } from './setups';

/** The settings every run of a sweep shares; stored on the sweep and on each run. */
export interface TrainingConfig {
  /** the most epochs a run trains; with `patience` it may stop before */
  epochs: number;
  /** early stopping: epochs without an improvement of at least `minDelta` in validation loss before a run stops; 0 = off */
  patience: number;
  /** the least drop in validation loss that counts as an improvement */
  minDelta: number;
  /** images per batch (a multi-crop batch has 5 crops of each) */
  batchSize: number;
  learningRate: number;
  /** at most this many images per epoch, drawn afresh each epoch; 0 = the whole training split */
  imagesPerEpoch: number;
  /**
   * at most this many crops trained on per epoch, 0 = no limit. A multi-crop image is 5 crops
   * and a BYOL image 2 views, so a budget in crops gives the setups of a sweep about the same
   * work per epoch where a budget in images gives multi-crop five times more.
   */
  cropsPerEpoch: number;
  /** share of plates held out for validation */
  validationFraction: number;
  /** held-out images the validation loss is measured on after each epoch (at most; one fixed crop each) */
  validationImages: number;
  seed: number;
  /** side in pixels of the tiles an image is embedded in (see embedding/tile.plan.ts); 0 = the whole image as one view */
  embedTileSize: number;
}

export const TRAINING_PROFILES = {
  /** the reference study's settings */
  paper: { epochs: 50, patience: 0, minDelta: 0, batchSize: 256, learningRate: 1e-4, imagesPerEpoch: 0, cropsPerEpoch: 0, validationFraction: 0.2, validationImages: 128, seed: 1, embedTileSize: 64 },
  /**
   * The demo's: the 16 setups train, embed and evaluate in minutes on 2 cores. The crop budget
   * is counted in weakly-supervised crops (see PARADIGM_CROP_COST). Measured with `bench science
   * --preset demo --seed 3` (medians over the 6 cell lines; seeds 1 and 2 are kept for the
   * closing table): at Adam 1e-3, 3 x 1024 crops made the top-dose ROC-AUC worse than 2 x 128
   * (weakly-supervised 0.74 -> 0.59, regularized 0.78 -> 0.61); at 1e-4 the same budget gave
   * 0.75, 0.83 (regularized/one-crop+aug) and 0.76 (unsupervised). Embedding on 64x64 tiles at
   * full resolution instead of one shrunk view is what the issue measured lifting d and the
   * ROC-AUC; the whole view with 1e-3 training gave 0.57.
   * Since training runs on onnxruntime, 3 x 1024 took only 4-9 s of training CPU per setup
   * against 23 s of embedding and 12 s of evaluation (seed 3, worker CPU from process.cpuUsage
   * around each job), so the budget went to 4 x 2048 (12-26 s): with the evaluation's
   * per-plate normalisation, weakly-supervised/one-crop went from 0.77 / 0.65 / 0.53 to
   * 0.84 / 0.87 / 0.52 (top-dose ROC-AUC / MoA-consistency mAP / d), self-supervised/
   * multi-crop+aug from 0.67 to 0.74 ROC-AUC, regularized/one-crop+aug's d from 0.23 to 0.42,
   * while unsupervised/one-crop's ROC-AUC fell from 0.76 to 0.57. Adam 3e-4 at 4 x 2048 gave
   * weakly-supervised the same (0.85 / 0.89) and regularized less (0.68 ROC-AUC). 128x128 tiles
   * (4 per image, a third of the embedding CPU) lowered the encoders' ROC-AUC by 0.01-0.17.
   */
  quick: { epochs: 4, patience: 0, minDelta: 0, batchSize: 32, learningRate: 1e-4, imagesPerEpoch: 0, cropsPerEpoch: 2048, validationFraction: 0.2, validationImages: 64, seed: 1, embedTileSize: 64 },
  /**
   * between the two: each setup trains until its validation loss stops improving (patience 3, at
   * most 8 epochs of 2,048 crops counted like quick's) and is embedded with its best epoch's
   * weights, on tiles at the training scale. Adam at 1e-4 like quick: at 1e-3 a larger budget made
   * the top-dose ROC-AUC worse (see quick); 4 x 2,048 crops at 1e-4 lifted weakly-supervised above
   * the untrained encoder on all four headline metrics on demo seed 3. At most about 16 x 136 s of
   * one core's training (README, "Training") plus the embedding and evaluation of 18 runs: under
   * 30 minutes on 2 cores for the demo screen.
   */
  standard: { epochs: 8, patience: 3, minDelta: 1e-4, batchSize: 32, learningRate: 1e-4, imagesPerEpoch: 0, cropsPerEpoch: 2048, validationFraction: 0.2, validationImages: 128, seed: 1, embedTileSize: 64 },
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
  integer('patience', 0, 1000);
  if (!(Number.isFinite(config.minDelta) && config.minDelta >= 0)) throw new BadUserInputError(`minDelta must be a number of at least 0, got ${config.minDelta}`, 'minDelta');
  integer('batchSize', 1, 4096);
  integer('imagesPerEpoch', 0, 100_000_000);
  integer('cropsPerEpoch', 0, 500_000_000);
  integer('validationImages', 1, 1_000_000);
  integer('embedTileSize', 0, 4096);
  if (config.embedTileSize > 0 && config.embedTileSize < 8) throw new BadUserInputError(`embedTileSize must be 0 (whole image) or at least 8, got ${config.embedTileSize}`, 'embedTileSize');
  integer('seed', 0, 2 ** 31 - 1);
  if (!(config.learningRate > 0 && config.learningRate < 1)) throw new BadUserInputError(`learningRate must be in (0, 1), got ${config.learningRate}`, 'learningRate');
  if (!(config.validationFraction > 0 && config.validationFraction < 1)) {
    throw new BadUserInputError(`validationFraction must be in (0, 1), got ${config.validationFraction}`, 'validationFraction');
  }
  return config;
}

/** The early-stopping rule of a stored config; configs from before the setting never stop early. */
export function stoppingRuleOf(config: Partial<TrainingConfig>): StoppingRule {
  return { patience: config.patience ?? 0, minDelta: config.minDelta ?? 0 };
}

/**
 * What a crop costs to train, relative to a weakly-supervised crop: one thread's training
 * throughput (`bench train --threads 1`, README "Training speed": 108 img/s weakly-supervised,
 * 34 BYOL images of 2 views, 18.1 autoencoder, 16.6 regularized). The crop budget is counted
 * in weakly-supervised crops, so every setup of a sweep gets about the same training time.
 */
export const PARADIGM_CROP_COST: Readonly<Record<Paradigm, number>> = {
  'weakly-supervised': 1,
  'self-supervised': 1.6,
  unsupervised: 6,
  regularized: 6.5,
};

/** How many images an epoch draws (0 = all): the image limit, and the crop budget over what each image costs to train. */
export function imagesPerEpoch(config: TrainingConfig, paradigm: Paradigm, strategy: Strategy): number {
  const cropBudget = config.cropsPerEpoch ?? 0;
  if (cropBudget === 0) return config.imagesPerEpoch;
  // BYOL trains on two views of an image whatever the strategy renders
  const cropsPerTrainedImage = paradigm === 'self-supervised' ? 2 : cropsPerImage(strategy);
  const byBudget = Math.max(1, Math.floor(cropBudget / (cropsPerTrainedImage * PARADIGM_CROP_COST[paradigm])));
  return config.imagesPerEpoch > 0 ? Math.min(config.imagesPerEpoch, byBudget) : byBudget;
}
