import type { SetupEntity } from '../db/entities/setup.entity';
import { BadUserInputError } from '../errors/app-errors';
import type { TrainingConfig } from './training-profiles';

export const MAX_REPLICATES = 10;
const MAX_SEED = 2 ** 31 - 1;

/** One run a sweep creates: its setup, which replicate it is, and its settings (the seed is the replicate's). */
export interface PlannedRun {
  setup: SetupEntity;
  replicate: number;
  config: TrainingConfig;
}

/**
 * The runs of a sweep: each learned setup once per replicate r with seed = the sweep's seed + r;
 * baseline/untrained likewise (its initialisation is random, so it has seeds too);
 * baseline/classical once, since hand-crafted features have no randomness. Learned runs come
 * first, replicate by replicate, so the first run is the first setup's first replicate.
 */
export function planSweepRuns(learned: readonly SetupEntity[], baselines: readonly SetupEntity[], config: TrainingConfig, replicates: number): PlannedRun[] {
  checkReplicates(replicates, config.seed);
  const replicateList = Array.from({ length: replicates }, (_, r) => r);
  const seeded = (setup: SetupEntity, replicate: number): PlannedRun => ({ setup, replicate, config: { ...config, seed: config.seed + replicate } });
  const runs = replicateList.flatMap((replicate) => learned.map((setup) => seeded(setup, replicate)));
  for (const baseline of baselines) {
    if (baseline.baseline === 'untrained') runs.push(...replicateList.map((replicate) => seeded(baseline, replicate)));
    else runs.push(seeded(baseline, 0));
  }
  return runs;
}

function checkReplicates(replicates: number, seed: number): void {
  if (!Number.isInteger(replicates) || replicates < 1 || replicates > MAX_REPLICATES) {
    throw new BadUserInputError(`replicates must be an integer from 1 to ${MAX_REPLICATES}, got ${replicates}`, 'replicates');
  }
  if (seed + replicates - 1 > MAX_SEED) throw new BadUserInputError(`seed ${seed} leaves no room for ${replicates} replicates (seeds go up to ${MAX_SEED})`, 'replicates');
}
