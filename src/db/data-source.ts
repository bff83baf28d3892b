import path from 'node:path';
import { DataSource } from 'typeorm';
import { SnakeNamingStrategy } from 'typeorm-naming-strategies';
import { ENTITIES } from './entities';

/** Compiled migrations live in dist/migrations beside dist/src. */
const MIGRATIONS_GLOB = path.join(__dirname, '..', '..', 'migrations', '*.js');

export function createDataSource(url: string, applicationName = 'morphospace'): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    applicationName,
    entities: ENTITIES,
    migrations: [MIGRATIONS_GLOB],
    migrationsTableName: 'migrations',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+, uuid-ossp would need an extension
    uuidExtension: 'pgcrypto',
    extra: { max: 10 },
  });
}
