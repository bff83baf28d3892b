import fs from 'node:fs/promises';
import path from 'node:path';
import type { EpochRecord } from '../db/repositories/run.repository';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint-codec';
import type { ParadigmCheckpoint } from './paradigms/trainable-paradigm';
import type { RandomState } from '../util/seeded-random';
import { writeDurably } from '../util/durable-write';

/** What a run needs to resume exactly where its last finished epoch left it. */
export interface RunCheckpoint {
  /** epochs finished (1-based count); 0 for the untrained baseline's initial encoder */
  epoch: number;
  paradigm: ParadigmCheckpoint;
  random: RandomState;
  /** the finished epoch's record, so a run killed between checkpoint and database write loses nothing; none at epoch 0 */
  epochRecord?: EpochRecord;
}

/** What checkpoint.json holds beside the paradigm's own buffer. */
interface CheckpointManifest {
  epoch: number;
  random: RandomState;
  epochRecord?: EpochRecord;
}

const LATEST = 'latest.json';
const PARADIGM_FILE = 'paradigm.msck';
const MANIFEST_FILE = 'checkpoint.json';

/**
 * Checkpoints on the file system under <dataDir>/runs/<runId>/. A checkpoint is written to a
 * temporary directory and renamed into place, then `latest.json` is replaced the same way:
 * a process killed at any moment leaves the previous checkpoint or the new one, never half.
 */
export class CheckpointStore {
  constructor(private readonly dataDir: string) {}

  runDir(runId: string): string {
    return path.join(this.dataDir, 'runs', runId);
  }

  async save(runId: string, checkpoint: RunCheckpoint): Promise<string> {
    const dir = this.runDir(runId);
    await fs.mkdir(dir, { recursive: true });
    const name = `epoch-${String(checkpoint.epoch).padStart(4, '0')}`;
    const temporary = path.join(dir, `.${name}.${process.pid}.tmp`);
    const pointer = path.join(dir, `${LATEST}.tmp`);
    const final = path.join(dir, name);
    try {
      await fs.rm(temporary, { recursive: true, force: true });
      await fs.mkdir(temporary);
      const manifest: CheckpointManifest = { epoch: checkpoint.epoch, random: checkpoint.random, epochRecord: checkpoint.epochRecord };
      await writeDurably(path.join(temporary, PARADIGM_FILE), encodeCheckpoint(checkpoint.paradigm));
      await writeDurably(path.join(temporary, MANIFEST_FILE), Buffer.from(JSON.stringify(manifest)));
      await fs.rm(final, { recursive: true, force: true });
      await fs.rename(temporary, final);
      await writeDurably(pointer, Buffer.from(JSON.stringify({ checkpoint: name })));
      await fs.rename(pointer, path.join(dir, LATEST));
    } catch (error) {
      // a write that failed (a full disk, most often) must not leave its half behind to keep the disk full
      await Promise.all([temporary, pointer].map((leftover) => fs.rm(leftover, { recursive: true, force: true }).catch(() => undefined)));
      throw error;
    }
    await this.removeAllBut(dir, name);
    return final;
  }

  /** The latest complete checkpoint, or undefined when the run has none. */
  async load(runId: string): Promise<RunCheckpoint | undefined> {
    const dir = this.runDir(runId);
    let name: string;
    try {
      name = (JSON.parse(await fs.readFile(path.join(dir, LATEST), 'utf8')) as { checkpoint: string }).checkpoint;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const manifest = JSON.parse(await fs.readFile(path.join(dir, name, MANIFEST_FILE), 'utf8')) as CheckpointManifest;
    return { ...manifest, paradigm: decodeCheckpoint(await fs.readFile(path.join(dir, name, PARADIGM_FILE))) };
  }

  async remove(runId: string): Promise<void> {
    await fs.rm(this.runDir(runId), { recursive: true, force: true });
  }

  private async removeAllBut(dir: string, keep: string): Promise<void> {
    for (const entry of await fs.readdir(dir)) {
      // older epochs, and temporaries left by a process killed mid-write
      if ((entry.startsWith('epoch-') || entry.startsWith('.epoch-')) && entry !== keep) await fs.rm(path.join(dir, entry), { recursive: true, force: true });
    }
  }
}
