import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'ensure-chromium.js');
const MISSING = '/nonexistent/morphospace-test/chromium';

function ensureChromium(...args: string[]) {
  const result = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

describe('npm test makes sure Chromium is there before the tests (scripts/ensure-chromium.js)', () => {
  it('goes on when the browser is there, root or not', () => {
    expect(ensureChromium('--chromium', process.execPath, '--not-root')).toEqual({ status: 0, stderr: '' });
    expect(ensureChromium('--chromium', process.execPath, '--root')).toEqual({ status: 0, stderr: '' });
  });

  it('stops a user who is not root with one line saying what to install', () => {
    const { status, stderr } = ensureChromium('--chromium', MISSING, '--not-root');
    expect(status).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(`Chromium at ${MISSING}`);
    expect(stderr).toContain('apt-get install -y chromium');
  });

  it("installs Debian's chromium as root (here only said, with --dry-run)", () => {
    const { status, stderr } = ensureChromium('--chromium', MISSING, '--root', '--dry-run');
    expect(status).toBe(0);
    expect(stderr).toContain('installing Debian\'s chromium: apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium');
  });

  it('refuses an unknown argument with exit code 2', () => {
    expect(ensureChromium('--chromium').status).toBe(2);
  });
});
