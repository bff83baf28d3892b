import type { Command } from 'commander';
import { PATTERN_SYNTAX } from '../data/import/file-name.pattern';
import { COLUMN_ALIASES } from '../data/import/manifest.reader';
import type { ImportResult } from '../data/screen-import.service';
import { openRuntime } from '../runtime';
import { progressReporter } from './cli-progress';
import { configFrom, withConfigOptions } from './config-options';
import { printJsonLine } from './json-lines';
import { UsageError } from './usage-error';

interface ImportCommandOptions {
  manifest?: string;
  root?: string;
  name: string;
  skipInvalid?: boolean;
  pattern?: string;
  channels?: string;
  channelRoles?: string;
  layout?: string;
  imageCsv?: string;
  moaCsv?: string;
  importConcurrency?: string;
  databaseUrl?: string;
  dataDir?: string;
  logLevel?: string;
}

const MANIFEST_HELP = `
Manifest columns (CSV, or tab-separated; names compared without regard to case, first match wins):
  path            path | FileName_<channel> (joined to PathName_<channel> when present); relative to --root
${Object.entries(COLUMN_ALIASES)
  .map(([field, aliases]) => `  ${field.padEnd(15)} ${aliases.join(' | ')}`)
  .join('\n')}
cell_line, compound, concentration (uM), plate and well are required; site defaults to 1, moa to none,
control to true for DMSO and PBS and false otherwise; a control may leave concentration empty (0).

Every row and image is checked as the manifest is read (file exists, decodes, grey or convertible,
at least 64x64, required fields, numbers), all in one transaction. Without --skip-invalid any problem
refuses the whole import (exit 2, the lines on stderr) and nothing is written. Importing the same screen again changes nothing; the same
name with different content is refused. Prints one JSON line: screen, imported, skipped, unchanged.

Channels (see README, "Real screens"): several FileName_<channel> columns make a multi-channel screen,
one file per channel, in column order (--channels a,b picks and orders them). --channels a,b,c with a
path column (or a pattern) reads each file as a multi-page TIFF whose pages are the channels;
--channels 3 names them page-1..page-3. --channel-roles DAPI=DNA,Tubulin=tubulin sets roles (default:
the name). Every channel file must exist and have the first one's size, or the row is refused.

Layouts (--layout, instead of --manifest):
  bbbc021         --image-csv BBBC021_v1_image.csv --moa-csv BBBC021_v1_moa.csv --root DIR: channels
                  DAPI (DNA), Tubulin, Actin; MCF-7; DMSO the control; the treatments the MoA table
                  annotates are imported; batch = the plate name before '_' (Week1_22123 -> Week1)

File-name patterns (--pattern, instead of --manifest; --root required; "line" = the file's position
in the sorted listing of image files below --root):
${PATTERN_SYNTAX.split('\n')
  .map((line) => `  ${line}`)
  .join('\n')}`;

export function registerImportCommand(program: Command): void {
  withConfigOptions(program.command('import').description('Import a screen of real images from a manifest or from file names'))
    .option('--manifest <file>', 'manifest CSV (see below)')
    .option('--root <dir>', 'directory image paths are relative to (default: the manifest\'s directory)')
    .requiredOption('--name <name>', 'name of the screen')
    .option('--skip-invalid', 'import the valid rows and report the others instead of refusing')
    .option('--pattern <pattern>', 'parse metadata from image file names instead of a manifest')
    .option('--channels <names>', 'channel names in order, comma-separated, or a page count (see below)')
    .option('--channel-roles <name=role,...>', 'the role of each named channel, e.g. DAPI=DNA')
    .option('--layout <layout>', 'read a known dataset\'s own files: bbbc021')
    .option('--image-csv <file>', 'the layout\'s image table (bbbc021: BBBC021_v1_image.csv)')
    .option('--moa-csv <file>', 'the layout\'s MoA table (bbbc021: BBBC021_v1_moa.csv)')
    .option('--import-concurrency <n>', 'images checked at once (default: MORPHOSPACE_IMPORT_CONCURRENCY or 4 per core)')
    .addHelpText('after', MANIFEST_HELP)
    .action(async (options: ImportCommandOptions) => {
      if (options.layout !== undefined) {
        if (options.manifest !== undefined || options.pattern !== undefined) throw new UsageError('--layout reads its own files: give no --manifest or --pattern');
        if (options.imageCsv === undefined || options.moaCsv === undefined) throw new UsageError(`--layout ${options.layout} needs --image-csv FILE and --moa-csv FILE`);
      } else if ((options.manifest === undefined) === (options.pattern === undefined)) throw new UsageError('give either --manifest FILE or --pattern PATTERN (or --layout)');
      if (options.pattern !== undefined && options.root === undefined) throw new UsageError('--pattern needs --root DIR');
      const channelRoles = options.channelRoles === undefined ? undefined : parseRoles(options.channelRoles);
      const runtime = await openRuntime(configFrom(options));
      const progress = progressReporter('check');
      try {
        const result = await runtime.services.screens.importScreen(
          {
            name: options.name,
            manifest: options.manifest,
            root: options.root,
            pattern: options.pattern,
            skipInvalid: options.skipInvalid ?? false,
            channels: options.channels?.split(','),
            channelRoles,
            layout: options.layout,
            imageCsv: options.imageCsv,
            moaCsv: options.moaCsv,
          },
          // the command runs as the machine's own user: it reads what that user can, as any command would
          { onProgress: (done, total) => progress.update(done, total), reach: 'anywhere' },
        );
        progress.stop();
        reportImport(result);
      } finally {
        progress.stop();
        await runtime.close();
      }
    });
}

/** Skipped rows and warnings go to stderr; the summary is one JSON line on stdout. */
export function reportImport(result: ImportResult): void {
  for (const problem of result.skipped) {
    process.stderr.write(`morphospace: skipped line ${problem.line}${problem.path ? ` (${problem.path})` : ''}: ${problem.reason}\n`);
  }
  for (const warning of result.warnings) process.stderr.write(`morphospace: warning: ${warning}\n`);
  printJsonLine({
    screen: { id: result.screen.id, name: result.screen.name, imageCount: result.screen.imageCount },
    imported: result.imported,
    skipped: result.skipped.length,
    unchanged: result.unchanged,
  });
}

/** 'DAPI=DNA,Tubulin=tubulin' -> { DAPI: 'DNA', Tubulin: 'tubulin' } */
function parseRoles(text: string): Record<string, string> {
  const roles: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const [name, role, ...rest] = pair.split('=').map((part) => part.trim());
    if (!name || !role || rest.length > 0) throw new UsageError(`--channel-roles takes name=role pairs separated by commas, got "${pair}"`);
    roles[name] = role;
  }
  return roles;
}
