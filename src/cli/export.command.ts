import type { Command } from 'commander';
import { openDatabase } from '../db/database';
import { EXPORT_FORMATS, EXPORT_KINDS } from '../export/export.service';
import { createLogger } from '../logger';
import { createServices } from '../services';
import { configFrom, withConfigOptions, type ConfigFlags } from './config-options';
import { printJsonLine } from './json-lines';
import { outputFile } from './output-file';
import { UsageError } from './usage-error';

interface ExportOptions extends ConfigFlags {
  run?: string;
  what?: string;
  format?: string;
  out?: string;
}

/** `morphospace export`: a run's embeddings, profiles or evaluations as a Parquet or CSV file. */
export function registerExportCommand(program: Command): void {
  withConfigOptions(program.command('export').description("Write a run's embeddings, profiles or evaluations as Parquet or CSV (profiling conventions: Metadata_* columns, features emb_0000...)"))
    .option('--run <id>', 'run id')
    .option('--what <kind>', EXPORT_KINDS.join(' | '))
    .option('--format <format>', EXPORT_FORMATS.join(' | '), 'parquet')
    .option('--out <file>', 'the file to write')
    .action(async (options: ExportOptions) => {
      if (!options.run) throw new UsageError('--run <id> is required');
      if (!options.what || !(EXPORT_KINDS as readonly string[]).includes(options.what)) throw new UsageError(`--what must be one of ${EXPORT_KINDS.join(', ')}`);
      if (!options.format || !(EXPORT_FORMATS as readonly string[]).includes(options.format)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
      if (!options.out) throw new UsageError('--out <file> is required');
      const out = await outputFile(options.out);
      const config = configFrom(options);
      const database = await openDatabase(config, createLogger(config.logLevel), { migrate: true });
      try {
        const written = await createServices(config, database).exports.exportToFile({ run: options.run, what: options.what, format: options.format }, out);
        printJsonLine({ run: options.run, what: options.what, format: options.format, out: written.path, rows: written.rows, bytes: written.bytes });
      } finally {
        await database.close();
      }
    });
}
