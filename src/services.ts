import { ApiKeyService } from './auth/api-key.service';
import { CatalogService } from './catalog/catalog.service';
import type { Config } from './config';
import type { Database } from './db/database';
import { ApiKeyRepository } from './db/repositories/api-key.repository';
import { CatalogRepository } from './db/repositories/catalog.repository';
import { RunRepository } from './db/repositories/run.repository';
import { RunService } from './training/run.service';

/** The services of one process, wired to their adapters once at start. */
export interface Services {
  apiKeys: ApiKeyService;
  catalog: CatalogService;
  runs: RunService;
}

export function createServices(config: Config, database: Database): Services {
  const { dataSource } = database;
  const pageLimit = config.limits.maxPageSize;
  return {
    apiKeys: new ApiKeyService(new ApiKeyRepository(dataSource), config.adminKey),
    catalog: new CatalogService(new CatalogRepository(dataSource), pageLimit),
    runs: new RunService(new RunRepository(dataSource), pageLimit),
  };
}
