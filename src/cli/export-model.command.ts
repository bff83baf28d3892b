import type { Command } from 'commander';
import { openDatabase } from '../db/database';
import { createLogger } from '../logger';
import { createServices } from '../services';
import { configFrom, withConfigOptions, type ConfigFlags } from './config-options';
import { printJsonLine } from './json-lines';
import { outputFile } from './output-file';
import { UsageError } from './usage-error';
import { replaceFile } from '../util/durable-write';

interface ExportModelOptions extends ConfigFlags {
  run?: string;
  out?: string;
}

/** `morphospace export-model`: a run's trained encoder as an ONNX file, built from its checkpoint in this process. */
export function registerExportModelCommand(program: Command): void {
  withConfigOptions(program.command('export-model').description("Write a run's trained encoder as an ONNX model (input [n,1,64,64] grey in [0,1], output [n,2048])"))
    .option('--run <id>', 'run id')
    .option('--out <file>', 'the .onnx file to write')
    .action(async (options: ExportModelOptions) => {
      if (!options.run) throw new UsageError('--run <id> is required');
      if (!options.out) throw new UsageError('--out <file.onnx> is required');
      const out = await outputFile(options.out);
      const config = configFrom(options);
      const database = await openDatabase(config, createLogger(config.logLevel), { migrate: true });
      try {
        const { model, info } = await createServices(config, database).encoderExport.export(options.run);
        await replaceFile(out, Buffer.from(model.buffer, model.byteOffset, model.byteLength));
        printJsonLine({ run: options.run, out, bytes: info.bytes, sha256: info.sha256, epoch: info.epoch, stored: info.path });
      } finally {
        await database.close();
      }
    });
}
