import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/util/free-port';
import { systemErrorLine } from '../../src/util/system-error';

describe('systemErrorLine', () => {
  it('says a failed file operation in one line: the call, the path, the reason, the code', async () => {
    const file = path.join(os.tmpdir(), `morphospace-system-error-${process.pid}`);
    await fs.writeFile(file, 'a file');
    try {
      const error = await fs.mkdir(path.join(file, 'below'), { recursive: true }).catch((e: unknown) => e);
      expect(systemErrorLine(error)).toBe(`cannot mkdir ${path.join(file, 'below')}: not a directory (ENOTDIR)`);
    } finally {
      await fs.rm(file, { force: true });
    }
  });

  it('names the address of a refused connection', async () => {
    const port = await freePort();
    const error = await new Promise((resolve) => net.connect(port, '127.0.0.1').once('error', resolve));
    expect(systemErrorLine(error)).toBe(`cannot connect 127.0.0.1:${port}: connection refused (ECONNREFUSED)`);
  });

  it('leaves other errors to the caller', () => {
    expect(systemErrorLine(new Error('a bug'))).toBeUndefined();
    expect(systemErrorLine(Object.assign(new Error('no call'), { code: 'E_APP' }))).toBeUndefined();
    expect(systemErrorLine('text')).toBeUndefined();
  });
});
