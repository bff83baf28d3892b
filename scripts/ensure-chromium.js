#!/usr/bin/env node
// Run by `npm test` before the tests: the dashboard's browser test drives Debian's Chromium
// (playwright-core downloads no browser). Where it is missing, root installs it; anyone else is
// told in one line what to install.
//   --chromium <path>  the browser the tests use (default /usr/bin/chromium)
//   --root, --not-root decide as root or as another user (default: who runs it)
//   --dry-run          print what would run instead of running it
'use strict';
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');

const INSTALL = 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium';

function parseFlags(argv) {
  const flags = { chromium: '/usr/bin/chromium', root: process.getuid?.() === 0, dryRun: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--chromium' && argv[i + 1]) flags.chromium = argv[++i];
    else if (argv[i] === '--root') flags.root = true;
    else if (argv[i] === '--not-root') flags.root = false;
    else if (argv[i] === '--dry-run') flags.dryRun = true;
    else throw new Error(`unknown argument "${argv[i]}": use --chromium <path>, --root, --not-root, --dry-run`);
  }
  return flags;
}

function main() {
  let flags;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`ensure-chromium: ${error.message}\n`);
    return 2;
  }
  if (fs.existsSync(flags.chromium)) return 0;
  if (!flags.root) {
    process.stderr.write(`npm test needs Chromium at ${flags.chromium} for the dashboard's browser test: install Debian's chromium as root (${INSTALL}), then run npm test again\n`);
    return 1;
  }
  process.stderr.write(`ensure-chromium: ${flags.chromium} is missing; installing Debian's chromium: ${INSTALL}\n`);
  if (flags.dryRun) return 0;
  const install = spawnSync('bash', ['-c', INSTALL], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (install.status !== 0 || !fs.existsSync(flags.chromium)) {
    process.stderr.write(`ensure-chromium: installing chromium failed (exit ${install.status}); ${flags.chromium} is still missing\n`);
    return 1;
  }
  return 0;
}

process.exitCode = main();
