import fs from 'node:fs/promises';
import type { Command } from 'commander';
import { openDatabase } from '../db/database';
import { createLogger } from '../logger';
import { renderReport, type ReportFormat } from '../reports/comparison.service';
import { createServices } from '../services';
import { configFrom, withConfigOptions, type ConfigFlags } from './config-options';
import { UsageError } from './usage-error';

const FORMATS: Record<string, ReportFormat> = { md: 'markdown', markdown: 'markdown', html: 'html', json: 'json' };

interface ReportOptions extends ConfigFlags {
  sweep?: string;
  format: string;
  out?: string;
  reference?: string;
}

export function registerReportCommand(program: Command): void {
  withConfigOptions(program.command('report').description("Print a sweep's comparison report: setups by the metrics of the three tasks, mAP and resources"))
    .option('--sweep <id>', 'sweep id (default: the newest sweep)')
    .option('--format <format>', 'md, html or json', 'md')
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--reference <run>', 'run the resource ratios are relative to (default: the first learned setup)')
    .action(async (options: ReportOptions) => {
      const format = FORMATS[options.format.toLowerCase()];
      if (!format) throw new UsageError(`--format must be md, html or json, got "${options.format}"`);
      const config = configFrom(options);
      const database = await openDatabase(config, createLogger(config.logLevel), { migrate: true });
      try {
        const { comparisons } = createServices(config, database);
        const sweepId = options.sweep ?? (await comparisons.latestSweep());
        if (!sweepId) throw new UsageError('there is no sweep yet: `morphospace start` queues the demo sweep, `morphospace sweep` makes one');
        const report = await comparisons.report(sweepId, options.reference);
        const content = renderReport(report, format);
        if (options.out) {
          await fs.writeFile(options.out, content);
          process.stderr.write(`morphospace: wrote the ${format} report of sweep ${sweepId} to ${options.out}\n`);
        } else {
          process.stdout.write(content);
        }
      } finally {
        await database.close();
      }
    });
}
