import type { CatalogService } from '../catalog/catalog.service';
import { checkedPage, isUuid } from '../catalog/page-request';
import type { RunEpochEntity } from '../db/entities/run-epoch.entity';
import type { RunEntity } from '../db/entities/run.entity';
import type { Page } from '../db/keyset-pagination';
import type { RunFilter, RunRepository } from '../db/repositories/run.repository';
import type { SweepService } from './sweep.service';
import { NotFoundError } from '../errors/app-errors';

export class RunService {
  constructor(
    private readonly runs: RunRepository,
    private readonly sweeps: SweepService,
    private readonly catalog: CatalogService,
    private readonly maxPageSize: number,
  ) {}

  /** `screen`: id or name; a sweep or screen that does not exist is NOT_FOUND, not an empty page. */
  async list(page: { first: number; after?: string | null }, filter: { sweep?: string; screen?: string; status?: RunFilter['status'] }): Promise<Page<RunEntity>> {
    const checked = checkedPage(page, this.maxPageSize);
    const sweepId = filter.sweep === undefined ? undefined : (await this.sweeps.byId(filter.sweep)).id;
    const screenId = await this.catalog.screenIdOf(filter.screen);
    return this.runs.list(checked, { sweepId, screenId, status: filter.status });
  }

  async byId(id: string): Promise<RunEntity> {
    const run = isUuid(id) ? await this.runs.byId(id) : null;
    if (!run) throw new NotFoundError('run', id);
    return run;
  }

  epochs(runId: string): Promise<RunEpochEntity[]> {
    return this.runs.epochs(runId);
  }

  /** The epochs of each run asked for, in the order asked (a run without any gets an empty list). */
  async epochsOfRuns(runIds: readonly string[]): Promise<RunEpochEntity[][]> {
    const byRun = new Map<string, RunEpochEntity[]>(runIds.map((runId) => [runId, []]));
    for (const epoch of await this.runs.epochsOfRuns(runIds)) byRun.get(epoch.runId)?.push(epoch);
    return runIds.map((runId) => byRun.get(runId) ?? []);
  }
}
