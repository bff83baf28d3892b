import { describe, expect, it } from 'vitest';
import { stoppingDecision, type EpochLoss } from '../../../src/training/early-stopping';

const losses = (...values: Array<number | null>): EpochLoss[] => values.map((validationLoss, index) => ({ epoch: index + 1, validationLoss }));

describe('early stopping on validation loss', () => {
  it('is off with patience 0: never stops, the last epoch counts', () => {
    expect(stoppingDecision(losses(1, 2, 3, 4, 5), { patience: 0, minDelta: 0 })).toEqual({ bestEpoch: 5, stop: false });
  });

  it('stops after `patience` epochs without an improvement, keeping the best epoch', () => {
    const rule = { patience: 2, minDelta: 0 };
    expect(stoppingDecision(losses(1.0, 0.8, 0.9), rule)).toEqual({ bestEpoch: 2, stop: false });
    expect(stoppingDecision(losses(1.0, 0.8, 0.9, 0.85), rule)).toEqual({ bestEpoch: 2, stop: true });
    expect(stoppingDecision(losses(1.0, 0.8, 0.9, 0.7), rule)).toEqual({ bestEpoch: 4, stop: false });
  });

  it('counts only drops of at least minDelta as improvements', () => {
    const rule = { patience: 2, minDelta: 0.05 };
    expect(stoppingDecision(losses(1.0, 0.97, 0.96), rule)).toEqual({ bestEpoch: 1, stop: true });
    expect(stoppingDecision(losses(1.0, 0.94, 0.93), rule)).toEqual({ bestEpoch: 2, stop: false });
  });

  it('compares with the best loss, not the previous epoch: a slow slide still stops', () => {
    expect(stoppingDecision(losses(1.0, 0.5, 0.6, 0.55), { patience: 2, minDelta: 0 })).toEqual({ bestEpoch: 2, stop: true });
  });

  it('decides the same whatever order the epochs come in (rows read back from the database)', () => {
    const history = losses(1.0, 0.8, 0.9, 0.85);
    expect(stoppingDecision([...history].reverse(), { patience: 2, minDelta: 0 })).toEqual(stoppingDecision(history, { patience: 2, minDelta: 0 }));
  });

  it('never counts a diverged loss as an improvement', () => {
    expect(stoppingDecision(losses(1.0, Number.NaN, Number.POSITIVE_INFINITY), { patience: 2, minDelta: 0 })).toEqual({ bestEpoch: 1, stop: true });
  });

  it('is off without a validation loss to judge (no held-out plates)', () => {
    expect(stoppingDecision(losses(null, null, null, null), { patience: 1, minDelta: 0 })).toEqual({ bestEpoch: 4, stop: false });
  });

  it('has nothing to decide before the first epoch', () => {
    expect(stoppingDecision([], { patience: 3, minDelta: 0 })).toEqual({ bestEpoch: 0, stop: false });
  });
});
