import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CheckpointStore, type RunCheckpoint } from '../../../src/training/checkpoint.store';

function checkpointAt(epoch: number): RunCheckpoint {
  return {
    epoch,
    paradigm: { paradigm: 'unsupervised', weights: { w: { shape: [4], data: Float32Array.of(epoch, 1, 2, 3) } }, optimizer: { step: epoch, moments: {} } },
    random: [1, 2, 3, epoch],
    epochRecord: { epoch, trainLoss: 1 / epoch, validationLoss: null } as RunCheckpoint['epochRecord'],
  };
}

/** Writes to a file whose name ends with `suffix` fail as on a full disk, once the file is created. */
function diskFullOn(suffix: string) {
  const open = fs.open;
  return vi.spyOn(fs, 'open').mockImplementation(async (file, ...rest) => {
    const handle = await open(file, ...rest);
    if (String(file).endsWith(suffix)) {
      handle.writeFile = async () => {
        throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC', syscall: 'write' });
      };
    }
    return handle;
  });
}

describe('checkpoint store: a failed write', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each([
    ['the checkpoint manifest', 'checkpoint.json'],
    ['the latest pointer', 'latest.json.tmp'],
  ])('of %s removes its temporaries and keeps the previous checkpoint', async (_what, failing) => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-checkpoint-'));
    try {
      const store = new CheckpointStore(dataDir);
      await store.save('run-1', checkpointAt(1));
      const before = (await fs.readdir(store.runDir('run-1'))).sort();
      expect(before).toEqual(['epoch-0001', 'latest.json']);

      diskFullOn(failing);
      await expect(store.save('run-1', checkpointAt(2))).rejects.toMatchObject({ code: 'ENOSPC' });
      vi.restoreAllMocks();

      const after = await fs.readdir(store.runDir('run-1'));
      expect(after.filter((entry) => entry.endsWith('.tmp'))).toEqual([]);
      expect((await store.load('run-1'))?.epoch).toBe(1);
      // the next save still works, and clears what the failed one renamed into place
      await store.save('run-1', checkpointAt(3));
      expect((await fs.readdir(store.runDir('run-1'))).sort()).toEqual(['epoch-0003', 'latest.json']);
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
