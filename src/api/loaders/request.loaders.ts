import DataLoader from 'dataloader';
import type { RunEpochEntity } from '../../db/entities/run-epoch.entity';
import type { ScreenEntity } from '../../db/entities/screen.entity';
import type { SetupEntity } from '../../db/entities/setup.entity';
import type { Services } from '../../services';

/**
 * Per-row fields of one request, batched: a page of 100 runs asks for their epochs in one
 * statement, not 100. Made per request, so nothing is cached across requests or keys.
 */
export interface RequestLoaders {
  runEpochs: DataLoader<string, RunEpochEntity[]>;
  sweepStatusCounts: DataLoader<string, Record<string, number>>;
  screens: DataLoader<string, ScreenEntity>;
  setups: DataLoader<number, SetupEntity>;
}

export function createRequestLoaders(services: Services): RequestLoaders {
  return {
    runEpochs: new DataLoader((runIds) => services.runs.epochsOfRuns(runIds)),
    sweepStatusCounts: new DataLoader((sweepIds) => services.sweeps.statusCountsOfSweeps(sweepIds)),
    screens: new DataLoader<string, ScreenEntity>((ids) => services.catalog.screensByIds(ids)),
    setups: new DataLoader<number, SetupEntity>((ids) => services.catalog.setupsByIds(ids)),
  };
}
