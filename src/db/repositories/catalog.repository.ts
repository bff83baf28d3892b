import { In, type DataSource } from 'typeorm';
import { CellLineEntity } from '../entities/cell-line.entity';
import { CompoundEntity } from '../entities/compound.entity';
import { ScreenEntity } from '../entities/screen.entity';
import { SetupEntity } from '../entities/setup.entity';
import { millisecondPrecision, paginate, type Page, type PageRequest } from '../keyset-pagination';

/** Read access to what runs are made of: screens, cell lines, compounds and setups. */
export class CatalogRepository {
  constructor(private readonly dataSource: DataSource) {}

  screens(page: PageRequest): Promise<Page<ScreenEntity>> {
    const query = this.dataSource.getRepository(ScreenEntity).createQueryBuilder('screen');
    return paginate(query, [{ column: millisecondPrecision('screen.created_at'), value: (s) => s.createdAt }, { column: 'screen.id', value: (s) => s.id }], page);
  }

  screenById(id: string): Promise<ScreenEntity | null> {
    return this.dataSource.getRepository(ScreenEntity).findOneBy({ id });
  }

  screensByIds(ids: readonly string[]): Promise<ScreenEntity[]> {
    return this.dataSource.getRepository(ScreenEntity).findBy({ id: In([...ids]) });
  }

  setupsByIds(ids: readonly number[]): Promise<SetupEntity[]> {
    return this.dataSource.getRepository(SetupEntity).findBy({ id: In([...ids]) });
  }

  screenByName(name: string): Promise<ScreenEntity | null> {
    return this.dataSource.getRepository(ScreenEntity).findOneBy({ name });
  }

  moaExists(moa: string): Promise<boolean> {
    return this.dataSource.getRepository(CompoundEntity).existsBy({ moa });
  }

  cellLines(page: PageRequest, screenId?: string): Promise<Page<CellLineEntity>> {
    const query = this.dataSource.getRepository(CellLineEntity).createQueryBuilder('cell_line');
    if (screenId) query.where('EXISTS (SELECT 1 FROM images i WHERE i.cell_line_id = cell_line.id AND i.screen_id = :screenId)', { screenId });
    return paginate(query, [{ column: 'cell_line.name', value: (c) => c.name }], page);
  }

  compounds(page: PageRequest, filter: { screenId?: string; moa?: string }): Promise<Page<CompoundEntity>> {
    const query = this.dataSource.getRepository(CompoundEntity).createQueryBuilder('compound');
    if (filter.screenId) query.andWhere('EXISTS (SELECT 1 FROM images i WHERE i.compound_id = compound.id AND i.screen_id = :screenId)', { screenId: filter.screenId });
    if (filter.moa) query.andWhere('compound.moa = :moa', { moa: filter.moa });
    return paginate(query, [{ column: 'compound.name', value: (c) => c.name }], page);
  }

  /** The 16 learned setups, and the baselines too when asked. */
  setups(page: PageRequest, includeBaselines: boolean): Promise<Page<SetupEntity>> {
    const query = this.dataSource.getRepository(SetupEntity).createQueryBuilder('setup');
    if (!includeBaselines) query.where('setup.baseline IS NULL');
    return paginate(query, [{ column: 'setup.id', value: (s) => s.id }], page);
  }
}
