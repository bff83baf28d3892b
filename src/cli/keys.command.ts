import type { Command } from 'commander';
import { parseRole } from '../auth/roles';
import { openRuntime } from '../runtime';
import { configFrom, withConfigOptions } from './config-options';
import { UsageError } from './usage-error';

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('Manage API keys');
  withConfigOptions(keys.command('create').description('Create a key and print it once'))
    .requiredOption('--role <role>', 'reader, writer or admin')
    .option('--name <name>', 'a label to tell keys apart', 'cli')
    .action(async (options: { role: string; name: string }) => {
      let role;
      try {
        role = parseRole(options.role);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      await withServices(options, async ({ services }) => {
        const { key, record } = await services.apiKeys.create(options.name, role);
        process.stderr.write(`created ${record.role} key ${record.id} (${record.prefix}...); it is shown only this once:\n`);
        process.stdout.write(`${key}\n`);
      });
    });
  withConfigOptions(keys.command('list').description('List keys (never the keys themselves)')).action(async (options) => {
    await withServices(options, async ({ services }) => {
      for (const key of await services.apiKeys.list()) {
        process.stdout.write(`${JSON.stringify({ id: key.id, name: key.name, role: key.role, prefix: key.prefix, createdAt: key.createdAt, revokedAt: key.revokedAt })}\n`);
      }
    });
  });
  withConfigOptions(keys.command('revoke').description('Revoke a key by id').argument('<id>')).action(async (id: string, options) => {
    await withServices(options, async ({ services }) => {
      if (!(await services.apiKeys.revoke(id))) throw new UsageError(`no active key with id ${id}`);
      process.stderr.write(`revoked ${id}\n`);
    });
  });
}

async function withServices(options: object, action: (runtime: Awaited<ReturnType<typeof openRuntime>>) => Promise<void>): Promise<void> {
  const runtime = await openRuntime(configFrom(options));
  try {
    await action(runtime);
  } finally {
    await runtime.close();
  }
}
