import { IsNull, type DataSource } from 'typeorm';
import { announceChangedRuns } from '../change-notifications';
import { RunEntity } from '../entities/run.entity';
import { SetupEntity } from '../entities/setup.entity';
import { SweepEntity } from '../entities/sweep.entity';
import { millisecondPrecision, paginate, type Page, type PageRequest } from '../keyset-pagination';

export class SweepRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Learned setups by name (the baselines are not chosen: every sweep runs them). */
  setupsByName(names: readonly string[]): Promise<SetupEntity[]> {
    return this.dataSource
      .getRepository(SetupEntity)
      .createQueryBuilder('setup')
      .where('setup.name IN (:...names)', { names })
      .andWhere('setup.baseline IS NULL')
      .orderBy('setup.id')
      .getMany();
  }

  /** The 16 learned setups. */
  allSetups(): Promise<SetupEntity[]> {
    return this.dataSource.getRepository(SetupEntity).find({ where: { baseline: IsNull() }, order: { id: 'ASC' } });
  }

  /** The sweep and one queued run per setup, in one transaction. */
  async create(screenId: string, profile: string, config: Record<string, unknown>, setups: readonly SetupEntity[]): Promise<{ sweep: SweepEntity; runs: RunEntity[] }> {
    return this.dataSource.transaction(async (manager) => {
      const sweep = await manager.getRepository(SweepEntity).save(manager.getRepository(SweepEntity).create({ screenId, profile, config }));
      const runs = await manager.getRepository(RunEntity).save(setups.map((setup) => manager.getRepository(RunEntity).create({ sweepId: sweep.id, screenId, setupId: setup.id, status: 'queued', config })));
      await manager.query(`WITH changed AS (SELECT id, sweep_id FROM runs WHERE sweep_id = $1) ${announceChangedRuns('status')}`, [sweep.id]);
      return { sweep, runs };
    });
  }

  byId(id: string): Promise<SweepEntity | null> {
    return this.dataSource.getRepository(SweepEntity).findOne({ where: { id }, relations: { screen: true } });
  }

  list(page: PageRequest, screenId?: string): Promise<Page<SweepEntity>> {
    const query = this.dataSource.getRepository(SweepEntity).createQueryBuilder('sweep').innerJoinAndSelect('sweep.screen', 'screen');
    if (screenId) query.where('sweep.screen_id = :screenId', { screenId });
    return paginate(query, [{ column: millisecondPrecision('sweep.created_at'), value: (s) => s.createdAt }, { column: 'sweep.id', value: (s) => s.id }], page);
  }

  /** Status counts of a sweep's runs. */
  async statusCounts(sweepId: string): Promise<Record<string, number>> {
    const rows: Array<{ status: string; count: string }> = await this.dataSource.query('SELECT status, count(*) FROM runs WHERE sweep_id = $1 GROUP BY status', [sweepId]);
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
  }
}
