import type { DataSource } from 'typeorm';
import { RunEntity, type RunStatus } from '../entities/run.entity';
import { millisecondPrecision, paginate, type Page, type PageRequest } from '../keyset-pagination';

export interface RunFilter {
  sweepId?: string;
  screenId?: string;
  status?: RunStatus;
}

export class RunRepository {
  constructor(private readonly dataSource: DataSource) {}

  list(page: PageRequest, filter: RunFilter): Promise<Page<RunEntity>> {
    const query = this.withRelations();
    if (filter.sweepId) query.andWhere('run.sweep_id = :sweepId', { sweepId: filter.sweepId });
    if (filter.screenId) query.andWhere('run.screen_id = :screenId', { screenId: filter.screenId });
    if (filter.status) query.andWhere('run.status = :status', { status: filter.status });
    return paginate(query, [{ column: millisecondPrecision('run.created_at'), value: (r) => r.createdAt }, { column: 'run.id', value: (r) => r.id }], page);
  }

  byId(id: string): Promise<RunEntity | null> {
    return this.withRelations().where('run.id = :id', { id }).getOne();
  }

  private withRelations() {
    return this.dataSource.getRepository(RunEntity).createQueryBuilder('run').innerJoinAndSelect('run.setup', 'setup').innerJoinAndSelect('run.screen', 'screen');
  }
}
