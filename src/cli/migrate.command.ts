import type { Command } from 'commander';
import { openDatabase } from '../db/database';
import { createLogger } from '../logger';
import { configFrom, withConfigOptions } from './config-options';

export function registerMigrateCommand(program: Command): void {
  withConfigOptions(program.command('migrate').description('Apply pending database migrations and exit')).action(async (options) => {
    const config = configFrom(options);
    const database = await openDatabase(config, createLogger(config.logLevel), { migrate: true });
    await database.close();
    process.stderr.write('morphospace: database is up to date\n');
  });
}
