import type { CellLineEntity } from '../db/entities/cell-line.entity';
import type { CompoundEntity } from '../db/entities/compound.entity';
import type { ScreenEntity } from '../db/entities/screen.entity';
import type { SetupEntity } from '../db/entities/setup.entity';
import type { Page } from '../db/keyset-pagination';
import type { CatalogRepository } from '../db/repositories/catalog.repository';
import { NotFoundError } from '../errors/app-errors';
import { checkedPage, isUuid } from './page-request';

type PageArgs = { first: number; after?: string | null };

export class CatalogService {
  constructor(
    private readonly catalog: CatalogRepository,
    private readonly maxPageSize: number,
  ) {}

  screens(page: PageArgs): Promise<Page<ScreenEntity>> {
    return this.catalog.screens(checkedPage(page, this.maxPageSize));
  }

  async screen(id: string): Promise<ScreenEntity> {
    const screen = isUuid(id) ? await this.catalog.screenById(id) : null;
    if (!screen) throw new NotFoundError('screen', id);
    return screen;
  }

  async cellLines(page: PageArgs, screenId?: string): Promise<Page<CellLineEntity>> {
    const checked = checkedPage(page, this.maxPageSize);
    if (screenId !== undefined) await this.screen(screenId);
    return this.catalog.cellLines(checked, screenId);
  }

  async compounds(page: PageArgs, filter: { screenId?: string; moa?: string }): Promise<Page<CompoundEntity>> {
    const checked = checkedPage(page, this.maxPageSize);
    if (filter.screenId !== undefined) await this.screen(filter.screenId);
    return this.catalog.compounds(checked, filter);
  }

  setups(page: PageArgs): Promise<Page<SetupEntity>> {
    return this.catalog.setups(checkedPage(page, this.maxPageSize));
  }
}
