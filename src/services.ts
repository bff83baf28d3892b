import { ApiKeyService } from './auth/api-key.service';
import { CatalogService } from './catalog/catalog.service';
import type { Config } from './config';
import type { Database } from './db/database';
import { ApiKeyRepository } from './db/repositories/api-key.repository';
import { CatalogRepository } from './db/repositories/catalog.repository';
import { RunRepository } from './db/repositories/run.repository';
import { ScreenRepository } from './db/repositories/screen.repository';
import { SharpImageInspector } from './data/import/image.inspector';
import { ScreenImportService, type ScreenJobSender } from './data/screen-import.service';
import { RunService } from './training/run.service';

/** The services of one process, wired to their adapters once at start. */
export interface Services {
  apiKeys: ApiKeyService;
  catalog: CatalogService;
  runs: RunService;
  screens: ScreenImportService;
}

/** `queue` lets services queue follow-up work; without it (one-off commands) they cannot. */
export function createServices(config: Config, database: Database, queue?: ScreenJobSender): Services {
  const { dataSource } = database;
  const pageLimit = config.limits.maxPageSize;
  return {
    apiKeys: new ApiKeyService(new ApiKeyRepository(dataSource), config.adminKey),
    catalog: new CatalogService(new CatalogRepository(dataSource), pageLimit),
    runs: new RunService(new RunRepository(dataSource), pageLimit),
    screens: new ScreenImportService(new ScreenRepository(dataSource), new SharpImageInspector(), { dataDir: config.dataDir, queue }),
  };
}
