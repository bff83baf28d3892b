import fs from 'node:fs/promises';
import type { Command } from 'commander';
import { printApiSchema } from '../api/schema.printer';

export function registerSchemaCommand(program: Command): void {
  program
    .command('schema')
    .description('Print the GraphQL SDL (schema/schema.graphql is this, committed)')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (options: { out?: string }) => {
      const sdl = await printApiSchema();
      if (options.out) await fs.writeFile(options.out, sdl);
      else process.stdout.write(sdl);
    });
}
