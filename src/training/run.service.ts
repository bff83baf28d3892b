import { checkedPage, isUuid } from '../catalog/page-request';
import type { RunEpochEntity } from '../db/entities/run-epoch.entity';
import type { RunEntity } from '../db/entities/run.entity';
import type { Page } from '../db/keyset-pagination';
import type { RunFilter, RunRepository } from '../db/repositories/run.repository';
import { NotFoundError } from '../errors/app-errors';

export class RunService {
  constructor(
    private readonly runs: RunRepository,
    private readonly maxPageSize: number,
  ) {}

  list(page: { first: number; after?: string | null }, filter: RunFilter): Promise<Page<RunEntity>> {
    const checked = checkedPage(page, this.maxPageSize);
    // a malformed id matches no run: an empty page, not a SQL error
    if ([filter.sweepId, filter.screenId].some((id) => id !== undefined && !isUuid(id))) {
      return Promise.resolve({ items: [], cursors: [], hasNextPage: false, totalCount: 0 });
    }
    return this.runs.list(checked, filter);
  }

  async byId(id: string): Promise<RunEntity> {
    const run = isUuid(id) ? await this.runs.byId(id) : null;
    if (!run) throw new NotFoundError('run', id);
    return run;
  }

  epochs(runId: string): Promise<RunEpochEntity[]> {
    return this.runs.epochs(runId);
  }
}
