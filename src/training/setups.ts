/** The 16 setups of the reference study: 4 paradigms x 4 strategies. */
export const PARADIGMS = ['weakly-supervised', 'unsupervised', 'regularized', 'self-supervised'] as const;
export type Paradigm = (typeof PARADIGMS)[number];

export const CROP_MODES = ['one-crop', 'multi-crop'] as const;
export type CropMode = (typeof CROP_MODES)[number];

export interface Strategy {
  crop: CropMode;
  /** horizontal flip p=0.5 and Gaussian blur 3x3 sigma 0.1-2.0 p=0.2 */
  augment: boolean;
}

export const STRATEGIES: readonly Strategy[] = CROP_MODES.flatMap((crop) =>
  [false, true].map((augment) => ({ crop, augment })),
);

export function strategyName(strategy: Strategy): string {
  return `${strategy.crop}${strategy.augment ? '+aug' : ''}`;
}
