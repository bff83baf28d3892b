import { describe, expect, it } from 'vitest';
import { tileSettingsOf } from '../../../src/embedding/tile.plan';
import { imagesPerEpoch, stoppingRuleOf, trainingConfig } from '../../../src/training/training-profiles';

describe('training profiles', () => {
  it('quick budgets crops per epoch; paper trains on everything; both embed on tiles', () => {
    expect(trainingConfig('quick')).toMatchObject({ epochs: 4, learningRate: 1e-4, imagesPerEpoch: 0, cropsPerEpoch: 2048, validationImages: 64, embedTileSize: 64 });
    expect(trainingConfig('paper')).toMatchObject({ epochs: 50, batchSize: 256, imagesPerEpoch: 0, cropsPerEpoch: 0, embedTileSize: 64 });
    expect(trainingConfig('quick', { cropsPerEpoch: 0, embedTileSize: 32 })).toMatchObject({ cropsPerEpoch: 0, embedTileSize: 32 });
  });

  it('standard stops early on validation loss and tiles at the training scale; quick and paper never stop early', () => {
    expect(trainingConfig('standard')).toMatchObject({ patience: 3, cropsPerEpoch: 2048, learningRate: 1e-4, embedTileSize: 64 });
    expect(trainingConfig('standard').epochs).toBeGreaterThan(trainingConfig('standard').patience);
    expect(stoppingRuleOf(trainingConfig('quick')).patience).toBe(0);
    expect(stoppingRuleOf(trainingConfig('paper')).patience).toBe(0);
    // a run stored before the setting
    expect(stoppingRuleOf({ epochs: 2 })).toEqual({ patience: 0, minDelta: 0 });
    expect(() => trainingConfig('standard', { patience: -1 })).toThrow(/patience must be an integer from 0/);
    expect(() => trainingConfig('standard', { minDelta: -0.1 })).toThrow(/minDelta must be a number of at least 0/);
  });

  it('refuses budgets and tile sizes out of range, naming the field', () => {
    expect(() => trainingConfig('quick', { cropsPerEpoch: -1 })).toThrow(/cropsPerEpoch must be an integer/);
    expect(() => trainingConfig('quick', { validationImages: 0 })).toThrow(/validationImages must be an integer from 1/);
    expect(() => trainingConfig('quick', { embedTileSize: 4 })).toThrow(/embedTileSize must be 0 \(whole image\) or at least 8/);
    expect(() => trainingConfig('quick', { embedTileSize: 1.5 })).toThrow(/embedTileSize must be an integer/);
  });

  it('spends the crop budget on fewer images when each trains on more crops or costlier ones', () => {
    const budget = { ...trainingConfig('quick'), imagesPerEpoch: 0, cropsPerEpoch: 1280 };
    expect(imagesPerEpoch(budget, 'weakly-supervised', { crop: 'one-crop', augment: false })).toBe(1280);
    expect(imagesPerEpoch(budget, 'weakly-supervised', { crop: 'multi-crop', augment: false })).toBe(256);
    // an autoencoder crop costs 6 weakly-supervised ones, a regularized one 6.5
    expect(imagesPerEpoch(budget, 'unsupervised', { crop: 'multi-crop', augment: true })).toBe(42);
    expect(imagesPerEpoch(budget, 'regularized', { crop: 'one-crop', augment: false })).toBe(196);
    // BYOL trains on two views of an image (1.6 each), one crop or five rendered
    expect(imagesPerEpoch(budget, 'self-supervised', { crop: 'one-crop', augment: false })).toBe(400);
    expect(imagesPerEpoch(budget, 'self-supervised', { crop: 'multi-crop', augment: false })).toBe(400);
    // the image limit still holds under the budget, and without a budget it alone counts
    expect(imagesPerEpoch({ ...budget, imagesPerEpoch: 20 }, 'weakly-supervised', { crop: 'one-crop', augment: false })).toBe(20);
    expect(imagesPerEpoch({ ...budget, cropsPerEpoch: 0, imagesPerEpoch: 0 }, 'regularized', { crop: 'multi-crop', augment: false })).toBe(0);
  });

  it('turns a run\'s embedTileSize into tile settings, runs from before the setting tiling at 64', () => {
    expect(tileSettingsOf(0)).toEqual({ tileSize: 'whole', aggregation: 'mean' });
    expect(tileSettingsOf(32)).toEqual({ tileSize: 32, aggregation: 'mean' });
    expect(tileSettingsOf(undefined)).toEqual({ tileSize: 64, aggregation: 'mean' });
  });
});
