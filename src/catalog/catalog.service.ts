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

  /** Every argument that names a screen takes its id or its name; one that names none is NOT_FOUND. */
  async screen(idOrName: string): Promise<ScreenEntity> {
    const screen = (isUuid(idOrName) ? await this.catalog.screenById(idOrName) : null) ?? (await this.catalog.screenByName(idOrName));
    if (!screen) throw new NotFoundError('screen', idOrName);
    return screen;
  }

  /** Screens by id, in the order asked; an id of no screen is NOT_FOUND. */
  async screensByIds(ids: readonly string[]): Promise<Array<ScreenEntity | NotFoundError>> {
    const byId = new Map((await this.catalog.screensByIds(ids)).map((screen) => [screen.id, screen]));
    return ids.map((id) => byId.get(id) ?? new NotFoundError('screen', id));
  }

  /** Setups by id, in the order asked; an id of no setup is NOT_FOUND. */
  async setupsByIds(ids: readonly number[]): Promise<Array<SetupEntity | NotFoundError>> {
    const byId = new Map((await this.catalog.setupsByIds(ids)).map((setup) => [setup.id, setup]));
    return ids.map((id) => byId.get(id) ?? new NotFoundError('setup', String(id)));
  }

  /** The id of the screen a filter names, when it names one. */
  async screenIdOf(idOrName: string | undefined): Promise<string | undefined> {
    return idOrName === undefined ? undefined : (await this.screen(idOrName)).id;
  }

  async cellLines(page: PageArgs, screen?: string): Promise<Page<CellLineEntity>> {
    const checked = checkedPage(page, this.maxPageSize);
    return this.catalog.cellLines(checked, await this.screenIdOf(screen));
  }

  async compounds(page: PageArgs, filter: { screen?: string; moa?: string }): Promise<Page<CompoundEntity>> {
    const checked = checkedPage(page, this.maxPageSize);
    const screenId = await this.screenIdOf(filter.screen);
    if (filter.moa !== undefined && !(await this.catalog.moaExists(filter.moa))) throw new NotFoundError('mechanism of action', filter.moa);
    return this.catalog.compounds(checked, { screenId, moa: filter.moa });
  }

  setups(page: PageArgs, includeBaselines = false): Promise<Page<SetupEntity>> {
    return this.catalog.setups(checkedPage(page, this.maxPageSize), includeBaselines);
  }
}
