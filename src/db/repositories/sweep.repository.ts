import { In, IsNull, type DataSource } from 'typeorm';
import { announceChangedRuns } from '../change-notifications';
import { RunEntity } from '../entities/run.entity';
import { SetupEntity, type SetupBaseline } from '../entities/setup.entity';
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

  /** The baseline setups of these kinds. */
  baselineSetups(kinds: readonly SetupBaseline[]): Promise<SetupEntity[]> {
    return this.dataSource.getRepository(SetupEntity).find({ where: { baseline: In([...kinds]) }, order: { id: 'ASC' } });
  }

  /** The sweep and its queued runs, in one transaction; each returned run carries its setup. */
  async create(
    sweep: { screenId: string; profile: string; config: Record<string, unknown>; replicates: number },
    runs: ReadonlyArray<{ setup: SetupEntity; replicate: number; config: Record<string, unknown> }>,
  ): Promise<{ sweep: SweepEntity; runs: RunEntity[] }> {
    return this.dataSource.transaction(async (manager) => {
      const saved = await manager.getRepository(SweepEntity).save(manager.getRepository(SweepEntity).create(sweep));
      const rows = runs.map((run) =>
        manager.getRepository(RunEntity).create({ sweepId: saved.id, screenId: sweep.screenId, setupId: run.setup.id, replicate: run.replicate, status: 'queued', config: run.config }),
      );
      const created = await manager.getRepository(RunEntity).save(rows);
      created.forEach((run, i) => (run.setup = runs[i].setup));
      await manager.query(`WITH changed AS (SELECT id, sweep_id FROM runs WHERE sweep_id = $1) ${announceChangedRuns('status')}`, [saved.id]);
      return { sweep: saved, runs: created };
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
    return (await this.statusCountsOfSweeps([sweepId]))[0]!;
  }

  /** Status counts of several sweeps' runs in one statement, in the order asked. */
  async statusCountsOfSweeps(sweepIds: readonly string[]): Promise<Array<Record<string, number>>> {
    const rows: Array<{ sweep_id: string; status: string; count: string }> = await this.dataSource.query(
      'SELECT sweep_id, status, count(*) FROM runs WHERE sweep_id = ANY($1::uuid[]) GROUP BY sweep_id, status',
      [sweepIds],
    );
    return sweepIds.map((sweepId) => Object.fromEntries(rows.filter((row) => row.sweep_id === sweepId).map((row) => [row.status, Number(row.count)])));
  }
}
