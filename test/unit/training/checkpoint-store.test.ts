import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CheckpointStore, type RunCheckpoint } from '../../../src/training/checkpoint.store';

function checkpointAt(epoch: number): RunCheckpoint {
  return {
    epoch,
    paradigm: { paradigm: 'unsupervised', inputChannels: 1, weights: { w: { shape: [4], data: Float32Array.of(epoch, 1, 2, 3) } }, optimizer: { step: epoch, moments: {} } },
    random: [1, 2, 3, epoch],
    epochRecord: { epoch, trainLoss: 1 / epoch, validationLoss: null } as RunCheckpoint['epochRecord'],
  };
}

/** Writes to a file whose name matches `name` fail as on a full disk, once the file is created. */
function diskFullOn(name: RegExp) {
  const open = fs.open;
  return vi.spyOn(fs, 'open').mockImplementation(async (file, ...rest) => {
    const handle = await open(file, ...rest);
    if (name.test(String(file))) {
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
    ['the checkpoint manifest', /checkpoint\.json$/],
    // a temporary named by pid and a random part: writers on hosts sharing the store never collide
    ['the latest pointer', /latest\.json\.\d+\.[0-9a-f]{8}\.tmp$/],
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

describe('checkpoint store: the best checkpoint beside the latest', () => {
  const withStore = async (body: (store: CheckpointStore) => Promise<void>) => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-checkpoint-best-'));
    try {
      await body(new CheckpointStore(dataDir));
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  };

  it('keeps the best epoch while later ones replace the latest; resume reads the latest, embedding the best', () =>
    withStore(async (store) => {
      await store.save('run-1', checkpointAt(1), { best: true });
      await store.save('run-1', checkpointAt(2), { best: true });
      await store.save('run-1', checkpointAt(3), { best: false });
      await store.save('run-1', checkpointAt(4), { best: false });
      expect((await fs.readdir(store.runDir('run-1'))).sort()).toEqual(['best.json', 'epoch-0002', 'epoch-0004', 'latest.json']);
      expect((await store.load('run-1'))?.epoch).toBe(4);
      expect((await store.load('run-1', 'latest'))?.epoch).toBe(4);
      const best = await store.load('run-1', 'best');
      expect(best?.epoch).toBe(2);
      expect(Array.from(best!.paradigm.weights.w.data)).toEqual([2, 1, 2, 3]);
    }));

  it('reads the latest as the best for a run that keeps no best (no early stopping)', () =>
    withStore(async (store) => {
      await store.save('run-1', checkpointAt(1));
      await store.save('run-1', checkpointAt(2));
      expect((await store.load('run-1', 'best'))?.epoch).toBe(2);
      expect(await store.load('run-2', 'best')).toBeUndefined();
    }));

  it('puts the best back on a kept epoch when a kill left it ahead of the latest', () =>
    withStore(async (store) => {
      await store.save('run-1', checkpointAt(1), { best: true });
      await store.save('run-1', checkpointAt(2), { best: false });
      // killed after best.json named epoch 3 and before latest.json did
      diskFullOn(/latest\.json\.[^/]*\.tmp$/);
      await expect(store.save('run-1', checkpointAt(3), { best: true })).rejects.toMatchObject({ code: 'ENOSPC' });
      vi.restoreAllMocks();
      expect((await store.load('run-1'))?.epoch).toBe(2);
      expect((await store.load('run-1', 'best'))?.epoch).toBe(3);

      await store.markBest('run-1', 1);
      expect((await store.load('run-1', 'best'))?.epoch).toBe(1);
      // an epoch the run no longer keeps is never named
      await store.markBest('run-1', 7);
      expect((await store.load('run-1', 'best'))?.epoch).toBe(1);
    }));
});
