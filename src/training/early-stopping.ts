/** One finished epoch as the stopping rule sees it. */
export interface EpochLoss {
  epoch: number;
  /** null when the screen has no held-out plates to measure it on */
  validationLoss: number | null;
}

export interface StoppingRule {
  /** epochs without an improvement of at least `minDelta` before training stops; 0 = never stop early */
  patience: number;
  /** the least drop in validation loss that counts as an improvement */
  minDelta: number;
}

export interface StoppingDecision {
  /** the epoch whose weights the run is embedded with: the last improvement, or the last epoch when the rule is off */
  bestEpoch: number;
  stop: boolean;
}

/**
 * Early stopping on validation loss. A pure function of the finished epochs, so a resumed run
 * reaches the same decision and best epoch as one that was never interrupted. Without a
 * validation loss to judge (no held-out plates) the rule is off and the last epoch counts.
 */
export function stoppingDecision(history: readonly EpochLoss[], rule: StoppingRule): StoppingDecision {
  const epochs = [...history].sort((a, b) => a.epoch - b.epoch);
  const last = epochs.at(-1)?.epoch ?? 0;
  if (rule.patience === 0 || epochs.length === 0 || epochs.some((row) => row.validationLoss === null)) return { bestEpoch: last, stop: false };
  // a loss that diverged (NaN, Infinity) never counts as an improvement
  const measured = (row: EpochLoss) => (Number.isFinite(row.validationLoss) ? row.validationLoss! : Infinity);
  let best = epochs[0];
  for (const row of epochs.slice(1)) {
    if (measured(row) < measured(best) - rule.minDelta) best = row;
  }
  return { bestEpoch: best.epoch, stop: last - best.epoch >= rule.patience };
}
